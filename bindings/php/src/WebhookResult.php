<?php

declare(strict_types=1);

namespace PayToken;

use PayToken\Native\JsonResult;

/**
 * A verified webhook event, or a refusal (Verification::webhook).
 *
 * verified(): accept it. Otherwise reason() is one of malformed, badSignature, tooOld,
 * tooNew, unsigned, notFound, orderIdDiffers and message() says why (never a secret).
 * A gateway retry carries the same webhookId(): deduplicate on it.
 */
final class WebhookResult
{
    use JsonResult;

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
}
