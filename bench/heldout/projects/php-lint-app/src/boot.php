<?php

require __DIR__ . '/Config.php';

function load_settings(string $path): array
{
    $raw = file_get_contents($path);
    if ($raw === false) {
        throw new RuntimeException("cannot read settings: $path");
    }
    return json_decode($raw, true, 512, JSON_THROW_ON_ERROR);
}

function boot(): void
{
    $settings = load_settings(__DIR__ . '/../config/settings.json');
    echo "booted with " . count($settings) . " settings\n";
}

boot();
