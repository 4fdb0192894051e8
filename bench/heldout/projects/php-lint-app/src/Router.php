<?php

namespace App;

class Router
{
    private array $routes = [];

    public function add(string $method, string $path, callable $handler): void
    {
        $this->routes[$method][$path] = $handler
    }

    public function dispatch(string $method, string $path): mixed
    {
        return ($this->routes[$method][$path])();
    }
}
