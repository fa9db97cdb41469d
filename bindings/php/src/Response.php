<?php

declare(strict_types=1);

namespace PayToken;

use PayToken\Exception\GatewayException;
use PayToken\Exception\InvalidArgumentException;

/**
 * A gateway's answer, whatever its HTTP status (200, 404 and 500 are all answers).
 * A plain PHP value: the native response was copied and freed before you got this.
 */
final class Response
{
    /** Charsets Korean gateways use for EUC-KR text; CP949 ("UHC") is their superset. */
    private const KOREAN_CHARSETS = ['euc-kr', 'euckr', 'cp949', 'uhc', 'ks_c_5601-1987', 'x-windows-949', 'windows-949'];

    /** @var int */
    private $status;

    /** @var array<string, string> lower-case name => value */
    private $headers;

    /** @var string */
    private $body;

    /** @param array<string, string> $headers */
    public function __construct(int $status, array $headers, string $body)
    {
        $this->status = $status;
        $this->headers = $headers;
        $this->body = $body;
    }

    public function status(): int
    {
        return $this->status;
    }

    /** 2xx? */
    public function isSuccessful(): bool
    {
        return $this->status >= 200 && $this->status < 300;
    }

    /** @return array<string, string> lower-case name => value (repeated headers joined by ", ") */
    public function headers(): array
    {
        return $this->headers;
    }

    /** One header, found case-insensitively; null when absent. */
    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }

    /** The bytes as the gateway sent them (not re-encoded). */
    public function body(): string
    {
        return $this->body;
    }

    /**
     * The body as UTF-8 text: converted from the charset named in Content-Type (e.g.
     * NICEPAY's EUC-KR answers), or from $charset when given.
     */
    public function text(?string $charset = null): string
    {
        $charset = strtolower(trim($charset ?? $this->declaredCharset()));
        if ($charset === '' || $charset === 'utf-8' || $charset === 'utf8') {
            return $this->body;
        }
        $from = \in_array($charset, self::KOREAN_CHARSETS, true) ? 'UHC' : $charset;
        return self::convertToUtf8($this->body, $from);
    }

    /**
     * The body decoded as a JSON object or array, into an associative array; text in
     * another charset is converted to UTF-8 first (see text()).
     *
     * @return array<mixed>
     * @throws GatewayException when the body is not a JSON object or array
     */
    public function json(?string $charset = null): array
    {
        $decoded = json_decode($this->text($charset), true, 512, JSON_BIGINT_AS_STRING);
        if (!\is_array($decoded)) {
            $why = json_last_error() === JSON_ERROR_NONE ? 'not an object or array' : json_last_error_msg();
            throw new GatewayException(
                sprintf('the gateway answered HTTP %d with a body that is not JSON (%s; Content-Type %s)',
                    $this->status, $why, $this->header('content-type') ?? 'none'),
                GatewayException::STATUS_GATEWAY,
                $this->status
            );
        }
        return $decoded;
    }

    private function declaredCharset(): string
    {
        $type = $this->header('content-type') ?? '';
        return preg_match('/;\s*charset\s*=\s*"?([^";\s]+)/i', $type, $m) === 1 ? $m[1] : '';
    }

    private static function convertToUtf8(string $text, string $from): string
    {
        if (\function_exists('mb_convert_encoding')) {
            $known = array_map('strtolower', mb_list_encodings());
            if (\in_array(strtolower($from), $known, true)) {
                return (string) mb_convert_encoding($text, 'UTF-8', $from);
            }
        } elseif (\function_exists('iconv')) {
            $converted = @iconv($from === 'UHC' ? 'CP949' : $from, 'UTF-8//IGNORE', $text);
            if ($converted !== false) {
                return $converted;
            }
        }
        throw InvalidArgumentException::because("paytoken: cannot convert the body from charset \"$from\" to UTF-8 (is the mbstring extension installed?)");
    }
}
