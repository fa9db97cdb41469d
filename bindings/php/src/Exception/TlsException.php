<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * The TLS handshake or the certificate verification failed.
 */
class TlsException extends PayTokenException
{
}
