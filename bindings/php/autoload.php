<?php

/*
 * A PSR-4 autoloader for PayToken\ without Composer: used by preload.php, the tests
 * and the examples. With Composer, vendor/autoload.php does the same job.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'PayToken\\', 9) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 9)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
