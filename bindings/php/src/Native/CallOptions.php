<?php

declare(strict_types=1);

namespace PayToken\Native;

use FFI\CData;
use PayToken\Exception\InvalidArgumentException;

/**
 * The per-call options JSON of paytoken_request_ex, and which Idempotency-Key a request
 * carries: decided before it is sent, so that an exception can name the key too.
 *
 * @internal
 */
final class CallOptions
{
    /**
     * [key or null, whether it goes in the options]. A fresh key is drawn by the library
     * only when the client sends one for $method (PortOne V2, mutating, idempotency on);
     * a caller's 'idempotencyKey' option wins the draw, an Idempotency-Key header is sent
     * as is. Both at once are passed both ways: the library refuses that, naming both.
     *
     * @param array<mixed> $headers
     * @param array<string, mixed> $options
     * @return array{0: ?string, 1: bool}
     */
    public static function idempotencyKey(\FFI $ffi, CData $client, string $method, array $headers, array $options): array
    {
        if (\array_key_exists('idempotencyKey', $options)) {
            if (!\is_string($options['idempotencyKey'])) {
                throw InvalidArgumentException::because('paytoken: \'idempotencyKey\' must be a string.');
            }
            return [$options['idempotencyKey'], true];
        }
        foreach ($headers as $name => $value) {
            if (\is_string($name) && strtolower($name) === 'idempotency-key' && \is_string($value)) {
                return [trim(trim($value), '"'), false];
            }
        }
        $out = $ffi->new('char*');
        $error = $ffi->new('paytoken_error');
        $status = $ffi->paytoken_idempotency_key_new($client, strtoupper($method), \FFI::addr($out), \FFI::addr($error));
        Errors::check($ffi, $status, $error);
        if (\FFI::isNull($out)) {
            return [null, true];
        }
        try {
            return [\FFI::string($out), true];
        } finally {
            $ffi->paytoken_string_free($out);
        }
    }

    /**
     * @param mixed $timeoutMs
     * @param mixed $retryUnknownOutcome
     */
    public static function json($timeoutMs, ?string $idempotencyKey = null, $retryUnknownOutcome = null): ?string
    {
        $options = [];
        if ($timeoutMs !== null) {
            if (!\is_int($timeoutMs) || $timeoutMs < 1) {
                throw InvalidArgumentException::because('paytoken: \'timeoutMs\' must be a whole number of milliseconds >= 1.');
            }
            $options['timeoutMs'] = $timeoutMs;
        }
        if ($idempotencyKey !== null) {
            $options['idempotencyKey'] = $idempotencyKey;
        }
        if ($retryUnknownOutcome !== null) {
            if (!\is_bool($retryUnknownOutcome)) {
                throw InvalidArgumentException::because('paytoken: \'retryUnknownOutcome\' must be true or false.');
            }
            $options['retryUnknownOutcome'] = $retryUnknownOutcome;
        }
        if ($options === []) {
            return null;
        }
        $json = json_encode($options, JSON_UNESCAPED_SLASHES);
        if ($json === false) {
            throw InvalidArgumentException::because('paytoken: \'idempotencyKey\' cannot be encoded: ' . json_last_error_msg() . '.');
        }
        return $json;
    }
}
