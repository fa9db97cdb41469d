<?php

declare(strict_types=1);

namespace PayToken\Native;

/**
 * What preload.php does once the classes are loaded: load the FFI scope "PAYTOKEN"
 * for every request of the process, when PHP allows it.
 *
 * @internal
 */
final class Preloader
{
    public static function loadScope(): void
    {
        try {
            \FFI::scope(Loader::SCOPE);
            return; // php.ini's ffi.preload already loaded it
        } catch (\FFI\Exception $e) {
            // not loaded yet: do it below
        }
        try {
            $library = Locator::library();
        } catch (\Throwable $e) {
            // Not findable from the master's environment: PHP-FPM's env[PAYTOKEN_LIB] (and
            // Library::setPath()) exist only in the workers, where requests look it up the
            // same way and load it with FFI::cdef (this Loader is preloaded). Nothing to say:
            // if it is missing there too, the first Client's SetupException says what to set.
            return;
        }
        try {
            $header = PreloadHeader::write(PreloadHeader::defaultPath($library));
            \FFI::load($header);
        } catch (\Throwable $e) {
            if (strpos($e->getMessage(), 'preload_user') !== false) {
                // A root master preloads as opcache.preload_user, and PHP refuses FFI::load()
                // then. Nothing is lost: the preloaded Loader may still call FFI::cdef() at
                // run time (mode "cdef"); ffi.preload would give the parsed-once "scope".
                return;
            }
            // A warning, not a fatal error: the server still starts, and the first Client
            // raises a SetupException saying what to configure.
            trigger_error('paytoken preload: the FFI scope "' . Loader::SCOPE . '" was not loaded: ' . $e->getMessage(), E_USER_WARNING);
        }
    }
}
