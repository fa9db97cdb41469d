<?php

declare(strict_types=1);

namespace PayToken;

/**
 * A verified webhook event, or a refusal (Verification::webhook).
 *
 * verified(): accept it. Otherwise reason() is one of malformed, badSignature, tooOld,
 * tooNew, unsigned, notFound, orderIdDiffers and message() says why (never a secret).
 * A gateway retry carries the same webhookId(): deduplicate on it.
 */
final class WebhookResult
{
    /** @var array<string, mixed> */
    private $value;

    /** @param array<string, mixed> $value */
    private function __construct(array $value)
    {
        $this->value = $value;
    }

    /** @internal the library's result JSON */
    public static function fromJson(string $json): self
    {
        return new self((array) json_decode($json, true));
    }

    public function verified(): bool
    {
        return ($this->value['verified'] ?? false) === true;
    }

    public function reason(): ?string
    {
        return $this->value['reason'] ?? null;
    }

    public function message(): ?string
    {
        return $this->value['message'] ?? null;
    }

    /** Transaction.Paid (V2), the NICEPAY or normalized V1 status... */
    public function type(): ?string
    {
        return $this->value['type'] ?? null;
    }

    public function paymentId(): ?string
    {
        return $this->value['paymentId'] ?? null;
    }

    public function orderId(): ?string
    {
        return $this->value['orderId'] ?? null;
    }

    public function webhookId(): ?string
    {
        return $this->value['webhookId'] ?? null;
    }

    /** @return mixed */
    public function timestamp()
    {
        return $this->value['timestamp'] ?? null;
    }

    /** @return mixed the event's data (V2), the notice (NICEPAY), the looked-up payment (V1) */
    public function data()
    {
        return $this->value['data'] ?? null;
    }

    /** @return array<string, mixed> */
    public function toArray(): array
    {
        return $this->value;
    }
}
