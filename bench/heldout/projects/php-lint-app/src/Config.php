<?php

namespace App;

class Config
{
    public function get(string $key): ?string
    {
        return getenv($key) ?: null;
    }
}
