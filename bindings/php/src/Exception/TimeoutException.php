<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * A connect or read deadline passed. For a business request the outcome at the
 * gateway is UNKNOWN: reconcile (NICEPAY network cancel, PortOne Idempotency-Key).
 */
class TimeoutException extends PayTokenException
{
}
