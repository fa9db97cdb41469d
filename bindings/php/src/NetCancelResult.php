<?php

declare(strict_types=1);

namespace PayToken;

/**
 * The answer to Client::nicepayNetcancel(): what the shop does next.
 *
 * A timeout or network error is not an exception here: it is outcome RETRY, with the
 * error's message in resultMsg(), so one call always says what to do.
 */
final class NetCancelResult
{
    /** NICEPAY accepted the network cancel (resultCode 0000): the order is not charged. */
    public const CANCELLED = 'cancelled';
    /** Nothing was approved for that order (2015): nothing to undo. */
    public const NOT_NEEDED = 'notNeeded';
    /** A timeout, a network error, a 5xx or any other answer: send it again within the hour. */
    public const RETRY = 'retry';

    /** @var string */
    private $outcome;

    /** @var string */
    private $resultCode;

    /** @var string */
    private $resultMsg;

    /** @var int */
    private $httpStatus;

    public function __construct(string $outcome, string $resultCode, string $resultMsg, int $httpStatus)
    {
        $this->outcome = $outcome;
        $this->resultCode = $resultCode;
        $this->resultMsg = $resultMsg;
        $this->httpStatus = $httpStatus;
    }

    /** @internal the library's result JSON */
    public static function fromJson(string $json): self
    {
        $value = (array) json_decode($json, true);
        return new self(
            (string) ($value['outcome'] ?? self::RETRY),
            (string) ($value['resultCode'] ?? ''),
            (string) ($value['resultMsg'] ?? ''),
            (int) ($value['httpStatus'] ?? 0)
        );
    }

    /** One of CANCELLED, NOT_NEEDED, RETRY. */
    public function outcome(): string
    {
        return $this->outcome;
    }

    public function mustRetry(): bool
    {
        return $this->outcome === self::RETRY;
    }

    /** NICEPAY's resultCode ("0000", "2015", ...), "" when no answer came. */
    public function resultCode(): string
    {
        return $this->resultCode;
    }

    /** NICEPAY's resultMsg, or the transport error's message for a RETRY. */
    public function resultMsg(): string
    {
        return $this->resultMsg;
    }

    /** The HTTP status of the answer, 0 when none came. */
    public function httpStatus(): int
    {
        return $this->httpStatus;
    }
}
