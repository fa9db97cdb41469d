<?php

declare(strict_types=1);

require_once dirname(__DIR__) . '/autoload.php';

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'PayToken\\Tests\\', 15) === 0) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 15)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
