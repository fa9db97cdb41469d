<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * DNS failure, connection refused, or the connection closed before a full answer.
 * For a business request that may have reached the gateway, its outcome is unknown.
 */
class NetworkException extends PayTokenException
{
}
