<?php

declare(strict_types=1);

namespace PayToken\Native;

use PayToken\Exception\SetupException;

/**
 * Finds libpaytoken.so and its preprocessor-free FFI header.
 *
 * Library: $PAYTOKEN_LIB, else the path given to PayToken\Library::setPath(), else
 * lib/libpaytoken.so inside this package (a development copy), else
 * lib/<platform>/libpaytoken.so for this machine (the Composer archive carries
 * linux-{x86_64,aarch64}-{gnu,musl}), else target/release/ of the paytoken checkout
 * this package sits in. Header: $PAYTOKEN_FFI_HEADER, else lib/paytoken_ffi.h
 * inside this package, else beside the library (same directory or ../include/), else
 * include/ of the checkout.
 *
 * @internal
 */
final class Locator
{
    /** @var string|null set by PayToken\Library::setPath() */
    public static $configuredLibrary = null;

    public static function packageDir(): string
    {
        return \dirname(__DIR__, 2);
    }

    public static function library(): string
    {
        return self::find('PAYTOKEN_LIB', self::$configuredLibrary, 'PayToken\\Library::setPath()', [
            self::packageDir() . '/lib/libpaytoken.so',
            self::packageDir() . '/lib/' . self::platform() . '/libpaytoken.so',
            \dirname(self::packageDir(), 2) . '/target/release/libpaytoken.so',
        ], 'This package carries libraries for: ' . (implode(', ', self::shippedPlatforms()) ?: 'none')
            . '; this machine is ' . self::platform() . '. '
            . 'Set the PAYTOKEN_LIB environment variable to its absolute path '
            . '(PHP-FPM pool: env[PAYTOKEN_LIB] = /path/to/libpaytoken.so), or call '
            . 'PayToken\\Library::setPath(\'/path/to/libpaytoken.so\') before the first client; '
            . 'in a paytoken checkout, build it with `make lib`.');
    }

    /** This machine's platform as the package names it, e.g. "linux-x86_64-gnu". */
    public static function platform(): string
    {
        $arch = strtolower(php_uname('m'));
        $arch = ['amd64' => 'x86_64', 'arm64' => 'aarch64'][$arch] ?? $arch;
        return strtolower(PHP_OS) . '-' . $arch . '-' . (self::runsOnMusl() ? 'musl' : 'gnu');
    }

    /**
     * Whether this PHP process runs on musl (Alpine): its dynamic loader is ld-musl. A
     * glibc machine may have musl installed beside it, so the files in /lib do not tell.
     */
    private static function runsOnMusl(): bool
    {
        $maps = @file_get_contents('/proc/self/maps');
        if ($maps !== false) {
            return strpos($maps, '/ld-musl-') !== false;
        }
        return glob('/lib/ld-musl-*.so.1') !== [] && glob('/lib*/ld-linux-*.so.*') === [];
    }

    /** @return string[] the platforms whose library this package carries */
    public static function shippedPlatforms(): array
    {
        $found = glob(self::packageDir() . '/lib/*/libpaytoken.so') ?: [];
        return array_map(static function (string $path): string {
            return basename(\dirname($path));
        }, $found);
    }

    public static function ffiHeader(): string
    {
        $candidates = [self::packageDir() . '/lib/paytoken_ffi.h'];
        try {
            // Shipped beside the library: /opt/paytoken/lib/ + /opt/paytoken/include/, or one directory.
            $libraryDir = \dirname(self::library());
            $candidates[] = $libraryDir . '/paytoken_ffi.h';
            $candidates[] = \dirname($libraryDir) . '/include/paytoken_ffi.h';
        } catch (SetupException $e) {
            // no library either: that error comes when the library is looked up
        }
        $candidates[] = \dirname(self::packageDir(), 2) . '/include/paytoken_ffi.h';
        return self::find('PAYTOKEN_FFI_HEADER', null, '', $candidates,
            'Set PAYTOKEN_FFI_HEADER to its path; it ships with libpaytoken.so as include/paytoken_ffi.h.');
    }

    /**
     * The file named by $envName, else by $configured, else the first candidate that exists.
     *
     * @param string[] $candidates
     */
    private static function find(string $envName, ?string $configured, string $configuredBy, array $candidates, string $advice): string
    {
        $fromEnv = getenv($envName);
        if ($fromEnv !== false && $fromEnv !== '') {
            // An explicit choice that is wrong must not be papered over by another copy.
            return self::mustExist($fromEnv, $envName);
        }
        if ($configured !== null) {
            return self::mustExist($configured, $configuredBy);
        }
        foreach ($candidates as $path) {
            if (is_file($path)) {
                return self::absolute($path);
            }
        }
        $name = basename($candidates[0]);
        throw SetupException::because("paytoken: $name not found (looked at " . implode(', ', $candidates) . "). $advice");
    }

    /** The header's C declarations, as FFI::cdef wants them. */
    public static function declarations(): string
    {
        $path = self::ffiHeader();
        $text = @file_get_contents($path);
        if ($text === false) {
            throw SetupException::because("paytoken: cannot read the FFI header $path.");
        }
        return $text;
    }

    private static function mustExist(string $path, string $setBy): string
    {
        if (!is_file($path)) {
            throw SetupException::because("paytoken: $setBy names $path, which is not a file.");
        }
        return self::absolute($path);
    }

    private static function absolute(string $path): string
    {
        $real = realpath($path);
        return $real === false ? $path : $real;
    }
}
