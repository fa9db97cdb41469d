<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * Bad input: malformed or unknown config, an empty or badly formed credential, a bad
 * method, path, header or body, or an operation the auth scheme does not have
 * (token() on a NICEPAY "basic" or PortOne V2 "secret" client).
 */
class InvalidArgumentException extends PayTokenException
{
    /** For bad input caught in PHP before the library is called. */
    public static function because(string $message): self
    {
        return new self($message, self::STATUS_INVALID_ARGUMENT);
    }
}
