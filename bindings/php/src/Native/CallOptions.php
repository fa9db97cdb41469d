<?php

declare(strict_types=1);

namespace PayToken\Native;

use FFI\CData;
use PayToken\Exception\InvalidArgumentException;

/**
 * The per-call options JSON of paytoken_request_ex, and the Idempotency-Key the library
 * decides a request carries (paytoken_idempotency_key_pin), known before it is sent.
 *
 * @internal
 */
final class CallOptions
{
    /**
     * [key or null, the options JSON to send]: the library decides the key a request
     * carries (the caller's Idempotency-Key header, sent as an RFC 8941 string; the
     * 'idempotencyKey' option; or a fresh key it pins into the options), so that an
     * exception can name it too.
     *
     * @return array{0: ?string, 1: ?string}
     */
    public static function pin(\FFI $ffi, CData $client, string $method, ?string $headersJson, ?string $optionsJson): array
    {
        $key = $ffi->new('char*');
        $options = $ffi->new('char*');
        $error = $ffi->new('paytoken_error');
        $status = $ffi->paytoken_idempotency_key_pin($client, $method, $headersJson, $optionsJson, \FFI::addr($key), \FFI::addr($options), \FFI::addr($error));
        try {
            Errors::check($ffi, $status, $error);
            return [
                \FFI::isNull($key) ? null : \FFI::string($key),
                \FFI::isNull($options) ? null : \FFI::string($options),
            ];
        } finally {
            $ffi->paytoken_string_free($key);
            $ffi->paytoken_string_free($options);
        }
    }

    /**
     * @param mixed $timeoutMs
     * @param mixed $idempotencyKey
     * @param mixed $retryUnknownOutcome
     */
    public static function json($timeoutMs, $idempotencyKey = null, $retryUnknownOutcome = null): ?string
    {
        $options = [];
        if ($timeoutMs !== null) {
            if (!\is_int($timeoutMs) || $timeoutMs < 1) {
                throw InvalidArgumentException::because('paytoken: \'timeoutMs\' must be a whole number of milliseconds >= 1.');
            }
            $options['timeoutMs'] = $timeoutMs;
        }
        if ($idempotencyKey !== null) {
            if (!\is_string($idempotencyKey)) {
                throw InvalidArgumentException::because('paytoken: \'idempotencyKey\' must be a string.');
            }
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
