<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * The token request timed out (or the call's timeout ran out while getting its token):
 * nothing was sent to the payment API, so the outcome is known (not processed) and the
 * call can simply be made again. A TimeoutException, so existing handlers still catch it.
 */
final class TokenTimeoutException extends TimeoutException
{
}
