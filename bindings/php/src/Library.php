<?php

declare(strict_types=1);

namespace PayToken;

use PayToken\Native\Loader;
use PayToken\Native\Locator;

/**
 * The native library behind every Client: where it is, how PHP loaded it, its version.
 */
final class Library
{
    /**
     * Use this libpaytoken.so when $PAYTOKEN_LIB is not set. Call it before the first
     * Client of the request (cdef mode; in scope mode the preload header decides).
     */
    public static function setPath(string $path): void
    {
        Locator::$configuredLibrary = $path;
    }

    /**
     * The libpaytoken.so FFI::cdef loads here. In "scope" mode the library in use is the
     * one the preload header named (FFI_LIB), looked up the same way at PHP's startup.
     */
    public static function path(): string
    {
        return Locator::library();
    }

    /** "scope" (preloaded: ffi.preload / opcache.preload) or "cdef" (loaded at run time). */
    public static function mode(): string
    {
        return Loader::mode();
    }

    /** The library's version, e.g. "0.1.0". */
    public static function version(): string
    {
        return Loader::text(Loader::ffi()->paytoken_version());
    }
}
