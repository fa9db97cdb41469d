<?php

declare(strict_types=1);

namespace PayToken\Native;

use FFI\CData;
use PayToken\Response;

/**
 * One client's C out-parameters for request(), made once and reused: the error struct
 * (544 bytes), the response pointer and the response view. Safe because PHP runs one
 * call at a time and request() is done with them before any PHP code of the caller's
 * runs (the logger is handed its records after the response was read and freed).
 *
 * The response is read with one foreign call (paytoken_response_read) instead of one
 * per part; its headers stay JSON until Response::headers() first needs them.
 *
 * @internal
 */
final class ResponseReader
{
    /** @var \FFI */
    private $ffi;

    /** @var CData paytoken_error */
    public $error;

    /** @var CData paytoken_error* */
    public $errorAddr;

    /** @var CData paytoken_response* */
    public $response;

    /** @var CData paytoken_response** */
    public $responseAddr;

    /** @var CData paytoken_response_view */
    private $view;

    /** @var CData paytoken_response_view* */
    private $viewAddr;

    public function __construct(\FFI $ffi)
    {
        $this->ffi = $ffi;
        $this->error = $ffi->new('paytoken_error');
        $this->errorAddr = \FFI::addr($this->error);
        $this->response = $ffi->new('paytoken_response*');
        $this->responseAddr = \FFI::addr($this->response);
        $this->view = $ffi->new('paytoken_response_view');
        $this->viewAddr = \FFI::addr($this->view);
    }

    /** Copies the response request() got into a Response, then frees it. */
    public function take(string $request): Response
    {
        $ffi = $this->ffi;
        try {
            $status = $ffi->paytoken_response_read($this->response, $this->viewAddr, $this->errorAddr);
            if ($status !== 0) {
                Errors::check($ffi, $status, $this->error);
            }
            $view = $this->view;
            $bodyLength = $view->body_len;
            $body = $bodyLength > 0 ? \FFI::string($view->body, $bodyLength) : '';
            // The library's one text decoder: the same text as every other paytoken
            // language; when the text is the body's own bytes, the copy above is it.
            if ($view->text_is_body === 1) {
                $text = $body;
            } else {
                $textLength = $view->text_len;
                $text = $textLength > 0 ? \FFI::string($view->text, $textLength) : '';
            }
            return Response::fromLibrary(
                $view->status,
                self::text($view->headers_json) ?? '{}',
                $body,
                $text,
                $request,
                self::text($view->idempotency_key)
            );
        } finally {
            $ffi->paytoken_response_free($this->response);
        }
    }

    /**
     * A `const char *` field (no NUL inside): PHP 8's FFI reads it as a string already
     * (NULL as null); other FFI builds give the pointer.
     *
     * @param string|CData|null $field
     */
    private static function text($field): ?string
    {
        if ($field === null || \is_string($field)) {
            return $field;
        }
        return \FFI::isNull($field) ? null : \FFI::string($field);
    }
}
