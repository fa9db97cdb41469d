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
    /** @var int */
    private $status;

    /** @var array<string, string>|null lower-case name => value; null until first needed */
    private $headers;

    /** @var string|null the library's headers JSON, decoded on the first headers()/header() */
    private $headersJson = null;

    /** @var string */
    private $body;

    /** @param array<string, string> $headers */
    /** @var string the body as UTF-8, decoded by the library */
    private $text;

    /** @var string "METHOD /path?query" of the request */
    private $request;

    /** @var string|null */
    private $idempotencyKey;

    public function __construct(int $status, array $headers, string $body, ?string $text = null, string $request = '', ?string $idempotencyKey = null)
    {
        $this->idempotencyKey = $idempotencyKey;
        $this->status = $status;
        $this->headers = $headers;
        $this->body = $body;
        $this->text = $text ?? $body;
        $this->request = $request;
    }

    /**
     * @internal Client::request(): the headers stay the library's JSON until first asked
     * for (most callers read the status and the body only).
     */
    public static function fromLibrary(int $status, string $headersJson, string $body, string $text, string $request, ?string $idempotencyKey): self
    {
        $response = new self($status, [], $body, $text, $request, $idempotencyKey);
        $response->headers = null;
        $response->headersJson = $headersJson;
        return $response;
    }

    /** The Idempotency-Key the request carried (unquoted; PortOne V2 POST/PUT/PATCH/DELETE), or null. */
    public function idempotencyKey(): ?string
    {
        return $this->idempotencyKey;
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
        if ($this->headers === null) {
            $decoded = json_decode((string) $this->headersJson, true);
            $this->headers = \is_array($decoded) ? $decoded : [];
            $this->headersJson = null;
        }
        return $this->headers;
    }

    /** One header, found case-insensitively; null when absent. */
    public function header(string $name): ?string
    {
        return $this->headers()[strtolower($name)] ?? null;
    }

    /** The bytes as the gateway sent them (not re-encoded). */
    public function body(): string
    {
        return $this->body;
    }

    /**
     * The body as UTF-8 text, decoded by the library (the charset Content-Type declares;
     * EUC-KR read as CP949, so syllables plain EUC-KR lacks survive; invalid bytes as
     * U+FFFD): the same text every paytoken language gives. No mbstring needed.
     */
    public function text(): string
    {
        return $this->text;
    }

    /**
     * The body parsed as JSON (an array). A body that is not a JSON object or array is a
     * GatewayException with the HTTP status and a short excerpt.
     */
    public function json(): array
    {
        $decoded = json_decode($this->text, true, 512, JSON_BIGINT_AS_STRING);
        if (!\is_array($decoded)) {
            $why = json_last_error() === JSON_ERROR_NONE ? 'not an object or array' : json_last_error_msg();
            $flat = trim((string) preg_replace('/\s+/u', ' ', $this->text));
            $excerpt = preg_match('/^.{121}/us', $flat) === 1 ? preg_replace('/^(.{120}).*$/us', '$1', $flat) . '…' : $flat;
            throw new GatewayException(
                sprintf('the answer to %s (HTTP %d) is not JSON (%s): "%s"',
                    $this->request === '' ? 'the request' : $this->request, $this->status, $why, $excerpt),
                GatewayException::STATUS_GATEWAY,
                $this->status
            );
        }
        return $decoded;
    }
}
