<?php

declare(strict_types=1);

namespace PayToken\Native;

use PayToken\Exception\InvalidArgumentException;

/**
 * A call's PHP arguments as the C API takes them: the request options (query, headers,
 * per-call options JSON), the body's bytes, JSON text, and strings checked for NUL bytes.
 * Marshalling only: what a key or a header means is the library's to decide.
 *
 * @internal
 */
final class RequestArgs
{
    /** What request() accepts in $options. */
    private const REQUEST_OPTIONS = ['headers', 'query', 'timeout', 'idempotencyKey', 'retryUnknownOutcome'];

    /** Accepted too: 'timeoutMs' (milliseconds), the 0.1 name of 'timeout'. Deprecated. */
    private const DEPRECATED_REQUEST_OPTIONS = ['timeoutMs'];

    /**
     * request()'s non-empty $options checked and encoded: [the path with its query, the
     * headers JSON or null, the per-call options JSON].
     *
     * @param array<string, mixed> $options
     * @return array{0: string, 1: ?string, 2: ?string}
     */
    public static function fromOptions(string $path, array $options): array
    {
        Options::refuseUnknown(
            $options,
            array_merge(self::REQUEST_OPTIONS, self::DEPRECATED_REQUEST_OPTIONS),
            'request option',
            "; a query goes under 'query' => [...], headers under 'headers' => [...]"
        );
        $headers = $options['headers'] ?? [];
        if (!\is_array($headers)) {
            throw InvalidArgumentException::because('paytoken: the \'headers\' option must be an array of name => value.');
        }
        return [
            self::withQuery($path, $options['query'] ?? []),
            self::headersJson($headers),
            CallOptions::json(
                Options::callTimeoutMs($options),
                $options['idempotencyKey'] ?? null,
                $options['retryUnknownOutcome'] ?? null
            ),
        ];
    }

    /** @param array|string $query */
    private static function withQuery(string $path, $query): string
    {
        if (\is_string($query)) {
            $text = ltrim($query, '?');
        } elseif (\is_array($query)) {
            $text = http_build_query($query, '', '&', PHP_QUERY_RFC3986);
        } else {
            throw InvalidArgumentException::because('paytoken: the query must be an array of name => value or a string.');
        }
        if ($text === '') {
            return $path;
        }
        return $path . (strpos($path, '?') === false ? '?' : '&') . $text;
    }

    /** @param array<mixed>|\JsonSerializable|\stdClass|string|null $body */
    public static function bodyBytes(
        #[\SensitiveParameter]
        $body
    ): ?string {
        if ($body === null || \is_string($body)) {
            return $body;
        }
        if ($body === []) {
            return '{}'; // PHP cannot tell an empty map from an empty list: the APIs want an object
        }
        if (\is_array($body) || \is_object($body)) {
            return self::encodeJson($body, 'body');
        }
        throw InvalidArgumentException::because(sprintf(
            'paytoken: the body must be an array or object (sent as JSON), a string (sent as is) or null, not %s.',
            \gettype($body)
        ));
    }

    /** @param array<mixed> $headers */
    private static function headersJson(array $headers): ?string
    {
        if ($headers === []) {
            return null;
        }
        foreach ($headers as $name => $value) {
            if (!\is_string($name) || !(\is_string($value) || \is_int($value))) {
                throw InvalidArgumentException::because(
                    'paytoken: headers must be an array of name => string value, e.g. [\'Idempotency-Key\' => \'...\'].'
                );
            }
            $headers[$name] = (string) $value;
        }
        return self::encodeJson($headers, 'headers');
    }

    /**
     * FFI hands a PHP string to C as char*, where a NUL byte would silently cut it short:
     * "/v1/payments/x\0y" would reach the gateway as "/v1/payments/x".
     */
    public static function refuseNul(
        #[\SensitiveParameter]
        string $value,
        string $what
    ): void
    {
        if (strpos($value, "\0") !== false) {
            throw InvalidArgumentException::because("paytoken: the $what contains a NUL byte.");
        }
    }

    /** @param mixed $value */
    public static function encodeJson(
        #[\SensitiveParameter]
        $value,
        string $what
    ): string {
        $json = json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
        if ($json === false) {
            // json_last_error_msg() names the problem, never the value.
            throw InvalidArgumentException::because("paytoken: the $what cannot be encoded as JSON: " . json_last_error_msg() . '.');
        }
        return $json;
    }
}
