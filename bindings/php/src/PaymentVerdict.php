<?php

declare(strict_types=1);

namespace PayToken;

use PayToken\Native\JsonResult;

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
    use JsonResult;

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
}
