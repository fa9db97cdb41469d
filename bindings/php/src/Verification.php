<?php

declare(strict_types=1);

namespace PayToken;

use FFI\CData;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Native\Errors;
use PayToken\Native\Loader;

/**
 * Payment and webhook verification (issue 25): "trust nothing the browser says".
 *
 * The library does the work (the lookup through the usual authorized request path, the
 * verdict, the Standard Webhooks and NICEPAY signatures, constant-time comparison); this
 * class only marshals. Verdicts and refusals are values, not exceptions.
 *
 *     $event = Verification::webhook($rawBody, getallheaders(), ['secret' => $whsec]);
 *     $verdict = $client->verifyPayment(['paymentId' => $event->paymentId(), 'amount' => 1000]);
 */
final class Verification
{
    private const WEBHOOK_OPTIONS = ['secret', 'gateway', 'toleranceSecs', 'nowUnixSecs'];

    /**
     * Verifies a webhook with its body EXACTLY as received (file_get_contents('php://input'),
     * Laravel $request->getContent()): a parsed and re-encoded body fails its signature.
     *
     * PortOne V2: ['secret' => 'whsec_...'] and the request's headers; $client may be null.
     * NICEPAY: pass the NICEPAY $client (its secret key checks the body's signature).
     * PortOne V1 (unsigned): pass the V1 $client, which looks the payment up.
     * Options: secret, gateway, toleranceSecs (default 300), nowUnixSecs (tests).
     *
     * @param array<string, string|string[]> $headers
     * @param array<string, mixed> $options
     */
    public static function webhook(string $body, array $headers, array $options = [], ?Client $client = null): WebhookResult
    {
        foreach (array_keys($options) as $name) {
            if (!\in_array($name, self::WEBHOOK_OPTIONS, true)) {
                throw InvalidArgumentException::because(sprintf(
                    'paytoken: unknown webhook option %s (secret, gateway, toleranceSecs, nowUnixSecs).',
                    json_encode((string) $name)
                ));
            }
        }
        $request = $options;
        $request['headers'] = (object) $headers;
        $json = json_encode($request, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        if ($json === false) {
            throw InvalidArgumentException::because('paytoken: the webhook headers or options are not valid UTF-8.');
        }
        if ($client !== null) {
            return WebhookResult::fromJson($client->verifyWebhookJson($json, $body));
        }
        return WebhookResult::fromJson(self::callWebhook(Loader::ffi(), null, $json, $body));
    }

    /**
     * @internal the C call; $handle is a paytoken_client* or null
     */
    public static function callWebhook(\FFI $ffi, ?CData $handle, string $requestJson, string $body): string
    {
        $length = \strlen($body);
        $buffer = null;
        if ($length > 0) {
            // uint8_t* parameters take no PHP string: copy into a PHP-owned C buffer.
            $buffer = $ffi->new("uint8_t[$length]");
            \FFI::memcpy($buffer, $body, $length);
        }
        return self::takeString($ffi, function (CData $out, CData $error) use ($ffi, $handle, $requestJson, $buffer, $length): int {
            return $ffi->paytoken_verify_webhook($handle, $requestJson, $buffer, $length, $out, $error);
        });
    }

    /**
     * @internal the C call behind Client::verifyPayment()
     * @param array<string, mixed> $expected paymentId|orderId (+orderDate), amount, currency
     */
    public static function callPayment(\FFI $ffi, CData $handle, array $expected): PaymentVerdict
    {
        if (isset($expected['amount']) && !\is_int($expected['amount']) && !\is_string($expected['amount'])) {
            throw InvalidArgumentException::because('paytoken: amount must be an int (or a string of digits), never a float.');
        }
        $json = json_encode((object) $expected, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        if ($json === false) {
            throw InvalidArgumentException::because('paytoken: the expected payment is not valid UTF-8.');
        }
        return PaymentVerdict::fromJson(self::takeString($ffi, function (CData $out, CData $error) use ($ffi, $handle, $json): int {
            return $ffi->paytoken_verify_payment($handle, $json, $out, $error);
        }));
    }

    /** @param callable(CData, CData): int $call receives char** and paytoken_error* */
    private static function takeString(\FFI $ffi, callable $call): string
    {
        $out = $ffi->new('char*');
        $error = $ffi->new('paytoken_error');
        $status = $call(\FFI::addr($out), \FFI::addr($error));
        Errors::check($ffi, $status, $error);
        try {
            return \FFI::string($out);
        } finally {
            $ffi->paytoken_string_free($out);
        }
    }
}
