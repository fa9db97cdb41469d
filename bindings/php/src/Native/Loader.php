<?php

declare(strict_types=1);

namespace PayToken\Native;

use PayToken\Exception\SetupException;

/**
 * Gives the FFI binding of libpaytoken, picking how PHP allows it here:
 *
 * 1. "scope": the header was preloaded (php.ini ffi.preload, or FFI::load() in
 *    preload.php) — the only way under PHP-FPM with the default ffi.enable=preload,
 *    and it needs this class to be preloaded too (opcache.preload=preload.php),
 *    because PHP lets only preloaded code call the FFI API then;
 * 2. "cdef": FFI::cdef() at run time — the CLI, or ffi.enable=true.
 *
 * The FFI object lives for one request; the library itself stays loaded for the
 * life of the process (it is linked with -z nodelete), and so does its token cache.
 *
 * @internal
 */
final class Loader
{
    public const SCOPE = 'PAYTOKEN';

    /** The C ABI this package was written against: the library needs the same major, at least this minor. */
    public const ABI_MAJOR = 1;
    public const ABI_MINOR = 5;

    /** @var \FFI|null */
    private static $ffi = null;

    /** @var string|null "scope" or "cdef" */
    private static $mode = null;

    public static function ffi(): \FFI
    {
        if (self::$ffi === null) {
            self::load();
            try {
                self::checkAbi(self::$ffi);
            } catch (SetupException $e) {
                self::$ffi = null;
                throw $e;
            }
        }
        return self::$ffi;
    }

    /** Refuses a library this package cannot use, naming what it found and what it needs. */
    private static function checkAbi(\FFI $ffi): void
    {
        $problem = self::abiProblem((int) $ffi->paytoken_abi_version(), (int) $ffi->paytoken_error_size(), \FFI::sizeof($ffi->type('paytoken_error')));
        if ($problem !== null) {
            throw SetupException::because("paytoken: the loaded libpaytoken $problem. Install the libpaytoken.so that came with this package (PAYTOKEN_LIB).");
        }
    }

    /** Why a library with this ABI version and error size cannot be used, or null. */
    public static function abiProblem(int $abi, int $errorSize, int $expectedErrorSize): ?string
    {
        $major = $abi >> 16;
        $minor = $abi & 0xffff;
        if ($major !== self::ABI_MAJOR || $minor < self::ABI_MINOR) {
            return sprintf('has ABI %d.%d; this package needs ABI %d.x with x >= %d (%d.%d)', $major, $minor,
                self::ABI_MAJOR, self::ABI_MINOR, self::ABI_MAJOR, self::ABI_MINOR);
        }
        if ($errorSize !== $expectedErrorSize) {
            return "has a paytoken_error of $errorSize bytes; this package needs $expectedErrorSize";
        }
        return null;
    }

    public static function mode(): string
    {
        self::ffi();
        return (string) self::$mode;
    }

    /**
     * A `const char *` the library returned, as a PHP string. PHP 8 converts such return
     * values by itself; other FFI builds hand back a CData pointer.
     *
     * @param string|\FFI\CData|null $value
     */
    public static function text($value): string
    {
        if ($value instanceof \FFI\CData) {
            return \FFI::isNull($value) ? '' : \FFI::string($value);
        }
        return (string) $value;
    }

    /**
     * A `const char *` result that may be NULL: null for NULL, else its text.
     *
     * @param mixed $value
     */
    public static function optionalText($value): ?string
    {
        if ($value === null || ($value instanceof \FFI\CData && \FFI::isNull($value))) {
            return null;
        }
        return self::text($value);
    }

    private static function load(): void
    {
        if (!\extension_loaded('ffi')) {
            throw SetupException::because(
                'paytoken needs the PHP FFI extension, which is not loaded: install or enable it '
                . '(extension=ffi; on Debian/Ubuntu it is part of php-cli/php-fpm).'
            );
        }
        try {
            self::$ffi = \FFI::scope(self::SCOPE);
            self::$mode = 'scope';
            return;
        } catch (\FFI\Exception $e) {
            $scopeProblem = $e->getMessage();
        }
        try {
            \FFI::cdef(); // probe: is run-time loading allowed here at all?
        } catch (\FFI\Exception $e) {
            throw SetupException::because(self::explainRestricted($scopeProblem, $e->getMessage()), $e);
        }
        $library = Locator::library();
        try {
            self::$ffi = \FFI::cdef(Locator::declarations(), $library);
            self::$mode = 'cdef';
        } catch (\FFI\Exception $e) {
            throw SetupException::because(
                "paytoken: FFI::cdef could not load $library: {$e->getMessage()}. Check that the "
                . 'library is built for this machine and that paytoken_ffi.h is of the same version '
                . '(PAYTOKEN_LIB, PAYTOKEN_FFI_HEADER); a missing paytoken_abi_version means a library '
                . 'older than ABI ' . self::ABI_MAJOR . '.' . self::ABI_MINOR . ', which this package needs.',
                $e
            );
        }
    }

    private static function explainRestricted(string $scopeProblem, string $cdefProblem): string
    {
        $enable = strtolower((string) ini_get('ffi.enable'));
        $situation = sprintf('(PHP %s, SAPI %s, ffi.enable=%s)', PHP_VERSION, PHP_SAPI, $enable);
        $package = Locator::packageDir();
        $preload = "opcache.enable=1 and opcache.preload=$package/preload.php (plus opcache.preload_user=www-data "
            . 'when the master runs as root; optionally ffi.preload=<the header written by '
            . "$package/bin/paytoken-preload-header>), then restart PHP-FPM";
        if (\in_array($enable, ['', '0', 'off', 'false', 'no'], true)) {
            return "paytoken cannot use FFI $situation: FFI is disabled. Either set ffi.enable=preload (the default) "
                . "and preload paytoken in php.ini — $preload — or set ffi.enable=true.";
        }
        return "paytoken cannot load libpaytoken through FFI $situation: with ffi.enable=preload only preloaded "
            . "code may use FFI, and paytoken is not preloaded (FFI::scope: $scopeProblem; FFI::cdef: $cdefProblem). "
            . "Either preload it in php.ini — $preload — or allow run-time loading everywhere with ffi.enable=true.";
    }
}
