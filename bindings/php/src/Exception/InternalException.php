<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * A bug in paytoken (a panic caught at the library boundary). Please report it.
 */
class InternalException extends PayTokenException
{
}
