<?php

declare(strict_types=1);

namespace PayToken;

/**
 * Client::stats(): counters of the client's token-cache entry (shared by every client
 * with the same gateway, origin and credentials in this PHP process) and the library's
 * async pool. Every key of the library's stats (docs/c-api.md, "Stats") has a typed
 * method; durations are seconds, as the 'timeout' option. Reading it as an array
 * ($stats['tokenFetches'], the library's keys) still works: deprecated, the 0.1 form.
 *
 * @implements \ArrayAccess<string, mixed>
 */
final class Stats implements \ArrayAccess, \JsonSerializable
{
    /** @var array<string, mixed> the library's keys and values */
    private $values;

    /** @param array<string, mixed> $values */
    public function __construct(array $values)
    {
        $this->values = $values;
    }

    /** "nicepay", "portone-v1" or "portone-v2". */
    public function gateway(): string
    {
        return (string) ($this->values['gateway'] ?? '');
    }

    /** Token requests sent to the gateway. */
    public function tokenFetches(): int
    {
        return $this->int('tokenFetches');
    }

    /** Tokens served from the cache without a request. */
    public function cacheHits(): int
    {
        return $this->int('cacheHits');
    }

    /** Refreshes that failed (the cached token, while valid, was served meanwhile). */
    public function refreshFailures(): int
    {
        return $this->int('refreshFailures');
    }

    /** Requests retried once with a fresh token after a 401. */
    public function retriesAfter401(): int
    {
        return $this->int('retriesAfter401');
    }

    /** 401s answered at once, without a token request (the token-storm bound). */
    public function fetchesSkippedAfterRefusal(): int
    {
        return $this->int('fetchesSkippedAfterRefusal');
    }

    /** Tokens taken from the cacheDir file instead of a token request. */
    public function hostCacheReads(): int
    {
        return $this->int('hostCacheReads');
    }

    /** Requests resent with the same idempotency key (retryUnknownOutcome). */
    public function unknownOutcomeRetries(): int
    {
        return $this->int('unknownOutcomeRetries');
    }

    /** Seconds the cached token stays servable; null when none is cached. */
    public function tokenValidFor(): ?float
    {
        return $this->seconds('tokenValidForMs');
    }

    /** Seconds the gateway's clock is ahead of this host's (negative: behind); null before a token answer. */
    public function gatewayClockSkew(): ?float
    {
        return $this->seconds('gatewayClockSkewMs');
    }

    /** The library's async I/O threads (process-wide). */
    public function asyncThreads(): int
    {
        return $this->int('asyncThreads');
    }

    /** Async calls running now (process-wide). */
    public function asyncRunning(): int
    {
        return $this->int('asyncRunning');
    }

    /** Async calls waiting for a thread (process-wide). */
    public function asyncQueued(): int
    {
        return $this->int('asyncQueued');
    }

    /** @return array<string, mixed> the library's keys and values, as it sends them */
    public function toArray(): array
    {
        return $this->values;
    }

    /** @return array<string, mixed> */
    #[\ReturnTypeWillChange]
    public function jsonSerialize()
    {
        return $this->values;
    }

    /** @param mixed $offset */
    public function offsetExists($offset): bool
    {
        return \array_key_exists($offset, $this->values);
    }

    /**
     * @param mixed $offset
     * @return mixed
     */
    #[\ReturnTypeWillChange]
    public function offsetGet($offset)
    {
        return $this->values[$offset] ?? null;
    }

    /**
     * @param mixed $offset
     * @param mixed $value
     */
    public function offsetSet($offset, $value): void
    {
        throw new \LogicException('paytoken: Stats is read-only.');
    }

    /** @param mixed $offset */
    public function offsetUnset($offset): void
    {
        throw new \LogicException('paytoken: Stats is read-only.');
    }

    private function int(string $key): int
    {
        return (int) ($this->values[$key] ?? 0);
    }

    private function seconds(string $key): ?float
    {
        $ms = $this->values[$key] ?? null;
        return $ms === null ? null : $ms / 1000;
    }
}
