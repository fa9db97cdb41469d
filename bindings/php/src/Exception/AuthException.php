<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * The gateway refused the credentials, or a request still got HTTP 401 after one
 * retry with a fresh token. Check the keys and sandbox vs production.
 */
class AuthException extends PayTokenException
{
}
