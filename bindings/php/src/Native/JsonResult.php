<?php

declare(strict_types=1);

namespace PayToken\Native;

/**
 * The shared body of the result objects the library hands back as JSON
 * (PaymentVerdict, WebhookResult): the decoded object and typed reads of its fields.
 *
 * @internal
 */
trait JsonResult
{
    /** @var array<string, mixed> */
    private $value;

    /** @param array<string, mixed> $value */
    private function __construct(array $value)
    {
        $this->value = $value;
    }

    /** @internal the library's JSON */
    public static function fromJson(string $json): self
    {
        return new self((array) json_decode($json, true));
    }

    /** @return array<string, mixed> the whole object, as the library sent it */
    public function toArray(): array
    {
        return $this->value;
    }

    public function verified(): bool
    {
        return ($this->value['verified'] ?? false) === true;
    }

    public function paymentId(): ?string
    {
        return $this->value['paymentId'] ?? null;
    }

    public function orderId(): ?string
    {
        return $this->value['orderId'] ?? null;
    }
}
