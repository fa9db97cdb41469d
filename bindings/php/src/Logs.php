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
 *     PayToken\Logs::setLogger($logger);             // everything, from 'debug' up
 *     PayToken\Logs::setLogger($logger, 'warning');  // warnings only
 *     PayToken\Logs::setLogger(null);                // stop
 *
 * Levels are the same in every binding: routine records (a token fetched, a cache hit,
 * a failed call) are 'debug'; the library's warnings (a failed token request, the
 * token-storm guard holding requests back, records dropped because the queue was full)
 * are 'warning'. Nothing is collected until a logger is set (PHP has no process-wide
 * logger to default to); set it before or after making clients, it makes no difference.
 *
 * The library queues records without blocking the call that produced them (at most 1024;
 * more are dropped and counted); PHP has no threads, so they are handed to the logger
 * right after each paytoken call returns. Tokens and secrets appear only as `fp:`
 * fingerprints. Process-wide: under PHP-FPM set it once per request (or in bootstrap).
 */
final class Logs
{
    /** PSR-3 threshold => what the library collects (2: everything, 3: its warnings only). */
    private const LEVELS = ['debug' => 2, 'info' => 3, 'notice' => 3, 'warning' => 3];

    /** @var bool whether 'debug' records go to the logger */
    private static $debug = false;

    /** @var object|null */
    private static $logger = null;

    /**
     * @param object|null $logger a PSR-3 LoggerInterface (anything with a log() method)
     * @param string $level the lowest PSR-3 level handed over: 'debug' (everything) or
     *   'info', 'notice', 'warning' (warnings only)
     */
    public static function setLogger($logger, string $level = 'debug'): void
    {
        if ($logger !== null && (!\is_object($logger) || !method_exists($logger, 'log'))) {
            throw InvalidArgumentException::because('paytoken: the logger must be a PSR-3 logger (an object with a log() method) or null.');
        }
        if (!isset(self::LEVELS[$level])) {
            throw InvalidArgumentException::because(sprintf(
                "paytoken: unknown log level '%s' (known: %s).",
                $level,
                implode(', ', array_keys(self::LEVELS))
            ));
        }
        $ffi = Loader::ffi();
        $error = $ffi->new('paytoken_error');
        $status = $ffi->paytoken_log_configure($logger === null ? 0 : self::LEVELS[$level], null, null, \FFI::addr($error));
        Errors::check($ffi, $status, $error);
        self::$logger = $logger;
        self::$debug = $level === 'debug';
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
    /** Whether the library's debug records go to a logger (then a cache hit is logged). */
    public static function collectsDebug(): bool
    {
        return self::$logger !== null && self::$debug;
    }

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
            $psr = $level->cdata >= 3 ? 'warning' : 'debug';
            if ($psr === 'warning' || self::$debug) {
                self::$logger->log($psr, $text, ['source' => 'libpaytoken']);
            }
        }
    }
}
