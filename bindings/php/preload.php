<?php

/*
 * opcache.preload script for PHP-FPM (and any SAPI) under the default ffi.enable=preload,
 * where PHP lets only preloaded code use FFI.
 *
 *   opcache.enable=1
 *   opcache.preload=/path/to/vendor/paytoken/paytoken/preload.php
 *   opcache.preload_user=www-data            ; needed when the FPM master runs as root
 *   ffi.preload=/etc/php/paytoken.h          ; optional: vendor/bin/paytoken-preload-header writes it
 *
 * It preloads every PayToken class, then makes the FFI scope "PAYTOKEN" exist unless
 * ffi.preload already did: with FFI::load() when PHP allows it (not together with
 * opcache.preload_user). Without a scope, the preloaded classes load the library with
 * FFI::cdef() at run time, which ffi.enable=preload allows them.
 */

declare(strict_types=1);

require_once __DIR__ . '/autoload.php';

$iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS));
foreach ($iterator as $file) {
    if ($file->getExtension() === 'php') {
        $relative = substr($file->getPathname(), strlen(__DIR__ . '/src/'), -4);
        class_exists('PayToken\\' . str_replace('/', '\\', $relative));
    }
}

PayToken\Native\Preloader::loadScope();
