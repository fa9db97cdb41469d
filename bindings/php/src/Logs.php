<?php

declare(strict_types=1);

namespace PayToken;

use PayToken\Exception\InvalidArgumentException;
use PayToken\Native\Errors;
use PayToken\Native\Loader;

/**
 * Routes the library's log records to a PSR-3 logger (any object with
 * log($level, $message, array $context)), e.g. Monolog:
 *
 *     PayToken\Logs::setLogger($logger);           // debug and info records
 *     PayToken\Logs::setLogger($logger, 'info');   // fetches, refresh reasons, retries only
 *     PayToken\Logs::setLogger(null);              // stop
 *
 * The library queues records without blocking the call that produced them (at most 1024;
 * more are dropped and counted); PHP has no threads, so they are handed to the logger
 * right after each paytoken call returns. Tokens and secrets appear only as `fp:`
 * fingerprints. Process-wide: under PHP-FPM set it once per request (or in bootstrap).
 */
final class Logs
{
    private const LEVELS = ['info' => 1, 'debug' => 2];

    /** @var object|null */
    private static $logger = null;

    /**
     * @param object|null $logger a PSR-3 LoggerInterface (anything with a log() method)
     * @param string $level 'debug' (everything) or 'info'
     */
    public static function setLogger($logger, string $level = 'debug'): void
    {
        if ($logger !== null && (!\is_object($logger) || !method_exists($logger, 'log'))) {
            throw InvalidArgumentException::because('paytoken: the logger must be a PSR-3 logger (an object with a log() method) or null.');
        }
        if (!isset(self::LEVELS[$level])) {
            throw InvalidArgumentException::because("paytoken: the log level must be 'debug' or 'info'.");
        }
        $ffi = Loader::ffi();
        $error = $ffi->new('paytoken_error');
        $status = $ffi->paytoken_log_configure($logger === null ? 0 : self::LEVELS[$level], null, null, \FFI::addr($error));
        Errors::check($ffi, $status, $error);
        self::$logger = $logger;
    }

    /** Records the library dropped because its queue was full (process lifetime). */
    public static function dropped(): int
    {
        return (int) Loader::ffi()->paytoken_log_dropped();
    }

    /**
     * Hands every queued record to the logger (memory only, never waits).
     *
     * @internal called by Client after each call
     */
    public static function drain(\FFI $ffi): void
    {
        if (self::$logger === null) {
            return;
        }
        $level = $ffi->new('int32_t');
        $message = $ffi->new('char*');
        while ($ffi->paytoken_log_next(\FFI::addr($level), \FFI::addr($message)) === 1) {
            try {
                $text = \FFI::string($message);
            } finally {
                $ffi->paytoken_string_free($message);
            }
            self::$logger->log($level->cdata === 1 ? 'info' : 'debug', $text, ['source' => 'libpaytoken']);
        }
    }
}
