<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * paytoken could not load its native library: FFI disabled or restricted, the
 * library or its header not found. The message says what to configure.
 * getCode() is 0: the library never ran.
 */
class SetupException extends PayTokenException
{
    public static function because(string $message, ?\Throwable $previous = null): self
    {
        return new self($message, 0, 0, '', $previous);
    }
}
