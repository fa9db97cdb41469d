<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * The gateway answered, but not usefully: a 5xx or a non-success result code from
 * the token endpoint, a malformed or oversized body, a token expired on arrival.
 */
class GatewayException extends PayTokenException
{
}
