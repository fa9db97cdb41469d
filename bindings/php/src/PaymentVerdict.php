<?php

declare(strict_types=1);

namespace PayToken;

/**
 * The gateway's answer about a payment compared with what the shop expects
 * (Client::verifyPayment). Fulfil the order only when verified().
 *
 * reasons(): each ['code' => ..., 'message' => ..., 'expected'?, 'actual'?, 'cancelledAmount'?]
 * with code one of notFound, notPaid, cancelled, partiallyCancelled, amountDiffers,
 * currencyDiffers, orderIdDiffers. status(): paid, ready, pending, virtualAccountIssued,
 * failed, cancelled, partialCancelled, expired, notFound or unknown, whatever the gateway.
 */
final class PaymentVerdict
{
    /** @var array<string, mixed> */
    private $value;

    /** @param array<string, mixed> $value */
    private function __construct(array $value)
    {
        $this->value = $value;
    }

    /** @internal the library's verdict JSON */
    public static function fromJson(string $json): self
    {
        return new self((array) json_decode($json, true));
    }

    public function verified(): bool
    {
        return ($this->value['verified'] ?? false) === true;
    }

    /** @return list<array<string, mixed>> */
    public function reasons(): array
    {
        return $this->value['reasons'] ?? [];
    }

    /** @return list<string> the reason codes, in order */
    public function reasonCodes(): array
    {
        return array_map(function (array $r): string {
            return (string) $r['code'];
        }, $this->reasons());
    }

    public function status(): string
    {
        return (string) ($this->value['status'] ?? 'unknown');
    }

    public function paymentId(): ?string
    {
        return $this->value['paymentId'] ?? null;
    }

    public function orderId(): ?string
    {
        return $this->value['orderId'] ?? null;
    }

    public function amount(): ?int
    {
        return $this->value['amount'] ?? null;
    }

    public function cancelledAmount(): ?int
    {
        return $this->value['cancelledAmount'] ?? null;
    }

    public function currency(): ?string
    {
        return $this->value['currency'] ?? null;
    }

    /** @return mixed the gateway's raw answer, decoded */
    public function raw()
    {
        return $this->value['raw'] ?? null;
    }

    /** @return array<string, mixed> the whole verdict */
    public function toArray(): array
    {
        return $this->value;
    }
}
