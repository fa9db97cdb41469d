<?php

declare(strict_types=1);

namespace PayToken\Native;

use FFI\CData;
use PayToken\Exception\PayTokenException;
use PayToken\Exception\TokenTimeoutException;

/**
 * Turns a failed call's status and its paytoken_error struct into the typed exception.
 *
 * @internal
 */
final class Errors
{
    /** @param CData $error a paytoken_error the library filled */
    public static function check(\FFI $ffi, int $status, CData $error): void
    {
        if ($status === 0) {
            return;
        }
        $message = \FFI::string($error->message);
        if ($message === '') {
            // The contract fills the struct on failure; stay informative if it did not.
            $message = 'paytoken: ' . Loader::text($ffi->paytoken_strerror($status));
        }
        $httpStatus = (int) $error->http_status;
        $gatewayCode = \FFI::string($error->gateway_code);
        // paytoken_error_phase 1: the call failed while getting its token (nothing sent).
        if ($status === 5 && $ffi->paytoken_error_phase(\FFI::addr($error)) === 1) {
            throw new TokenTimeoutException($message, $status, $httpStatus, $gatewayCode);
        }
        throw PayTokenException::fromStatus($status, $message, $httpStatus, $gatewayCode);
    }
}
