<?php

declare(strict_types=1);

namespace PayToken;

use FFI\CData;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Exception\PayTokenException;
use PayToken\Native\CallOptions;
use PayToken\Native\Errors;
use PayToken\Native\Loader;
use PayToken\Native\Options;
use PayToken\Native\RequestArgs;
use PayToken\Native\ResponseReader;

/**
 * A client of one payment gateway account.
 *
 * Cheap to create: make one per request. Every client with the same gateway, origin
 * and credentials shares ONE cached token, kept by the native library for the life
 * of the PHP process (the PHP-FPM worker), not of the request.
 *
 * Config keys are the library's (camelCase): gateway, clientKey, secretKey, impKey,
 * impSecret, apiSecret, auth, sandbox, baseUrl, refreshBeforeSecs, returnCharSet, tier,
 * storeId, maxResponseBytes, userAgent, caFile (a PEM bundle ADDED to the built-in
 * Mozilla roots; a bad file fails here, not later), cacheDir, maxInFlight, idempotency,
 * retryUnknownOutcome; but durations are Guzzle's: 'timeout' and 'connectTimeout' in
 * seconds, as a call's 'timeout' (the library's timeoutMs/connectTimeoutMs still work:
 * deprecated). Unknown keys are an InvalidArgumentException naming the key.
 *
 * The object never stores a credential, and marks them #[\SensitiveParameter] so they
 * stay out of stack traces on PHP >= 8.2.
 */
final class Client
{
    /** @var \FFI the binding this client's handle belongs to */
    private $ffi;

    /** @var CData|null paytoken_client*, owned */
    private $handle = null;

    /** @var string */
    private $gateway;

    /** @var CData|null char*, token()'s out-parameter (PHP runs one call at a time) */
    private $tokenOut = null;

    /** @var ResponseReader|null request()'s out-parameters, reused (PHP runs one call at a time) */
    private $reader = null;

    /** @var array<string, bool> method => whether the library draws a key on it (its answer) */
    private $drawsKey = [];

    /** @param array<string, mixed> $config */
    public function __construct(
        #[\SensitiveParameter]
        array $config
    ) {
        $this->gateway = \is_string($config['gateway'] ?? null) ? $config['gateway'] : '?';
        $configJson = RequestArgs::encodeJson(Options::clientConfig($config), 'config');
        $this->ffi = Loader::ffi();
        $error = $this->ffi->new('paytoken_error');
        $handle = $this->ffi->new('paytoken_client*');
        $status = $this->ffi->paytoken_client_new($configJson, \FFI::addr($handle), \FFI::addr($error));
        Errors::check($this->ffi, $status, $error);
        $this->handle = $handle;
    }

    /**
     * NICEPAY. Options: sandbox (bool), auth ("token" default, or "basic"), baseUrl,
     * returnCharSet, timeouts...
     *
     * @param array<string, mixed> $options
     */
    public static function nicepay(
        #[\SensitiveParameter]
        string $clientKey,
        #[\SensitiveParameter]
        string $secretKey,
        array $options = []
    ): self {
        return new self(['gateway' => 'nicepay', 'clientKey' => $clientKey, 'secretKey' => $secretKey] + $options);
    }

    /**
     * PortOne V1 (iamport): the REST API key and secret. Options: tier, baseUrl...
     *
     * @param array<string, mixed> $options
     */
    public static function portoneV1(
        #[\SensitiveParameter]
        string $impKey,
        #[\SensitiveParameter]
        string $impSecret,
        array $options = []
    ): self {
        return new self(['gateway' => 'portone-v1', 'impKey' => $impKey, 'impSecret' => $impSecret] + $options);
    }

    /**
     * PortOne V2: the API secret. Options: auth ("secret" default, or "token"), storeId...
     *
     * @param array<string, mixed> $options
     */
    public static function portoneV2(
        #[\SensitiveParameter]
        string $apiSecret,
        array $options = []
    ): self {
        return new self(['gateway' => 'portone-v2', 'apiSecret' => $apiSecret] + $options);
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            $this->ffi->paytoken_client_free($this->handle);
            $this->handle = null;
        }
    }

    /** "nicepay", "portone-v1" or "portone-v2". */
    public function gateway(): string
    {
        return $this->gateway;
    }

    /**
     * The current access token: from the process-wide cache, fetched when missing or due.
     * An InvalidArgumentException for a scheme without tokens (NICEPAY basic, PortOne V2 secret).
     */
    public function token(): string
    {
        // The warm path: one C call that never waits and never does I/O, with this
        // client's out-parameter and no error struct. Anything else (no fresh token, an
        // error, a logger taking debug records: the library logs the hit there) takes the
        // full call below.
        if (!Logs::collectsDebug()) {
            $out = $this->tokenOut ?? ($this->tokenOut = $this->ffi->new('char*'));
            if ($this->ffi->paytoken_get_token_cached($this->handle(), \FFI::addr($out), null) === 0
                && !\FFI::isNull($out)) {
                try {
                    return \FFI::string($out);
                } finally {
                    $this->ffi->paytoken_string_free($out);
                }
            }
        }
        try {
            return $this->takeString(function (CData $out, CData $error): int {
                return $this->ffi->paytoken_get_token($this->handle(), $out, $error);
            });
        } finally {
            Logs::drain($this->ffi);
        }
    }

    /**
     * Drop the cached token if it is $token (the one the gateway just refused), or
     * whatever is cached when $token is null. request() already does this on a 401.
     */
    public function invalidate(
        #[\SensitiveParameter]
        ?string $token = null
    ): void {
        if ($token !== null) {
            RequestArgs::refuseNul($token, 'token');
        }
        $error = $this->ffi->new('paytoken_error');
        $status = $this->ffi->paytoken_invalidate($this->handle(), $token, \FFI::addr($error));
        Errors::check($this->ffi, $status, $error);
    }

    /**
     * Counters of this client's cache entry (shared by clients with the same account):
     * every key of the library's stats as a typed method (tokenFetches(), ...).
     */
    public function stats(): Stats
    {
        $json = $this->takeString(function (CData $out, CData $error): int {
            return $this->ffi->paytoken_client_stats($this->handle(), $out, $error);
        });
        return new Stats((array) json_decode($json, true));
    }

    /**
     * An authorized request to the configured origin.
     *
     * @param string $method GET, POST, PUT, PATCH or DELETE
     * @param string $path starts with "/"; an absolute URL is refused
     * @param array|object|string|null $body an array/object is sent as JSON (an empty array
     *   as the object {}); a string as is; null for none
     * @param array $options 'headers' => [name => value], 'query' => [name => value] (or a
     *   string), 'timeout' => seconds, int or float (this call only, replacing the
     *   client's; 'timeoutMs' => int milliseconds is its deprecated 0.1 name),
     *   'idempotencyKey' => string (your own PortOne V2 key, e.g. the getIdempotencyKey() of
     *   a call that timed out; not with an Idempotency-Key header), 'retryUnknownOutcome'
     *   => bool (this call only). Any other key is an InvalidArgumentException: headers go
     *   under 'headers'. PortOne V2 POST/PUT/PATCH/DELETE carry an Idempotency-Key: it is
     *   Response::idempotencyKey() and, on failure, the exception's getIdempotencyKey().
     */
    public function request(
        string $method,
        string $path,
        #[\SensitiveParameter]
        $body = null,
        array $options = []
    ): Response {
        $headersJson = null;
        $callOptions = null;
        if ($options !== []) { // most calls give none: nothing to check or encode then
            [$path, $headersJson, $callOptions] = RequestArgs::fromOptions($path, $options);
        }
        if (strpos($method . $path, "\0") !== false) { // one scan for both (a GET's usual case)
            RequestArgs::refuseNul($method, 'method');
            RequestArgs::refuseNul($path, 'path');
        }
        $bytes = $body === null ? null : RequestArgs::bodyBytes($body);
        $key = null;
        // The library pins the key a request carries; with no key of the caller's and a
        // method it draws none on (its answer, kept per method), there is none to pin.
        if ($headersJson !== null || $callOptions !== null || $this->drawsKey($method)) {
            [$key, $callOptions] = CallOptions::pin($this->ffi, $this->handle(), $method, $headersJson, $callOptions);
        }
        $length = \strlen($bytes ?? '');
        $buffer = null;
        if ($length > 0) {
            // uint8_t* parameters take no PHP string: copy into a PHP-owned C buffer.
            $buffer = $this->ffi->new("uint8_t[$length]");
            \FFI::memcpy($buffer, $bytes, $length);
        }
        $reader = $this->reader ?? ($this->reader = new ResponseReader($this->ffi));
        $status = $this->ffi->paytoken_request_ex(
            $this->handle(),
            $method,
            $path,
            $headersJson,
            $buffer,
            $length,
            $callOptions,
            $reader->responseAddr,
            $reader->errorAddr
        );
        if ($status !== 0) {
            try {
                Errors::check($this->ffi, $status, $reader->error);
            } catch (PayTokenException $e) {
                Logs::drain($this->ffi);
                throw $e->withIdempotencyKey($key);
            }
        }
        try {
            return $reader->take(strtoupper($method) . ' ' . $path);
        } finally {
            // After the reader is done with its buffers: a logger may make calls itself.
            Logs::drain($this->ffi);
        }
    }

    /**
     * GET, Guzzle's way: get($path, ['query' => ['status' => 'paid'], 'headers' => [...],
     * 'timeout' => 5]). A key that is not an option (['status' => 'paid'] given as the
     * options) is an InvalidArgumentException, never a query nobody asked for.
     *
     * @param array<string, mixed> $options
     */
    public function get(string $path, array $options = []): Response
    {
        return $this->request('GET', $path, null, $options);
    }

    /** POST a JSON body (array/object; [] is {}) or a string; options: 'headers', 'query', 'timeout'... */
    public function post(
        string $path,
        #[\SensitiveParameter]
        $body = null,
        array $options = []
    ): Response {
        return $this->request('POST', $path, $body, $options);
    }

    /** PUT, as post(). */
    public function put(
        string $path,
        #[\SensitiveParameter]
        $body = null,
        array $options = []
    ): Response {
        return $this->request('PUT', $path, $body, $options);
    }

    /** PATCH, as post(). */
    public function patch(
        string $path,
        #[\SensitiveParameter]
        $body = null,
        array $options = []
    ): Response {
        return $this->request('PATCH', $path, $body, $options);
    }

    /**
     * DELETE with options, as get().
     *
     * @param array<string, mixed> $options
     */
    public function delete(string $path, array $options = []): Response
    {
        return $this->request('DELETE', $path, null, $options);
    }

    /**
     * NICEPAY's signData: lower-hex sha256 of the parts joined, then the client's secret
     * key (which never leaves the library). NICEPAY clients only; no I/O.
     */
    public function nicepaySign(string ...$parts): string
    {
        $count = \count($parts);
        $array = $this->ffi->new('char*[' . max(1, $count) . ']');
        $keep = []; // the C strings live until the call returns
        foreach ($parts as $i => $part) {
            RequestArgs::refuseNul($part, 'signData part');
            $length = \strlen($part);
            $keep[$i] = $this->ffi->new('char[' . ($length + 1) . ']');
            \FFI::memcpy($keep[$i], $part, $length);
            $array[$i] = \FFI::cast('char*', \FFI::addr($keep[$i]));
        }
        return $this->takeString(function (CData $out, CData $error) use ($array, $count): int {
            return $this->ffi->paytoken_nicepay_sign($this->handle(), $array, $count, $out, $error);
        });
    }

    /**
     * NICEPAY's network cancel for $orderId, after an approval whose outcome is unknown
     * (within one hour of it). A timeout or network error is outcome RETRY, never an
     * exception; only bad arguments throw. $options: 'timeout' => seconds (int or float).
     *
     * @param array<string, mixed> $options
     */
    public function nicepayNetcancel(string $orderId, array $options = []): NetCancelResult
    {
        Options::refuseUnknown($options, ['timeout', 'timeoutMs'], 'netcancel option');
        RequestArgs::refuseNul($orderId, 'order id');
        $callOptions = CallOptions::json(Options::callTimeoutMs($options));
        try {
            return NetCancelResult::fromJson($this->takeString(function (CData $out, CData $error) use ($orderId, $callOptions): int {
                return $this->ffi->paytoken_nicepay_netcancel($this->handle(), $orderId, $callOptions, $out, $error);
            }));
        } finally {
            Logs::drain($this->ffi);
        }
    }

    /** Frees the native client now (the process-wide token cache stays). Later calls fail; idempotent. */
    /**
     * Looks the payment up and compares it with what the shop expects (issue 25):
     * ['paymentId' => ..., 'amount' => 1000, 'currency'?, 'orderId'?, 'orderDate'?].
     * A PaymentVerdict, never an exception for "not paid"; see Verification.
     *
     * @param array<string, mixed> $expected
     */
    public function verifyPayment(array $expected): PaymentVerdict
    {
        return Verification::callPayment($this->ffi, $this->handle(), $expected);
    }

    /** @internal Verification::webhook() with this client */
    public function verifyWebhookJson(string $requestJson, string $body): string
    {
        return Verification::callWebhook($this->ffi, $this->handle(), $requestJson, $body);
    }

    public function close(): void
    {
        if ($this->handle !== null) {
            $this->ffi->paytoken_client_free($this->handle);
            $this->handle = null;
        }
    }

    /** @return array<string, mixed> what var_dump/print_r show: never a credential */
    public function __debugInfo(): array
    {
        return ['gateway' => $this->gateway, 'open' => $this->handle !== null];
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new \LogicException('A PayToken\\Client cannot be serialized: create one per request; the token cache is process-wide anyway.');
    }

    /** @param array<mixed> $data */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('A PayToken\\Client cannot be unserialized.');
    }

    /** Two objects must never free one native handle. */
    private function __clone()
    {
    }

    /** The library's answer (paytoken_idempotency_key_drawn), asked once per method. */
    private function drawsKey(string $method): bool
    {
        if (!isset($this->drawsKey[$method])) {
            $drawn = $this->ffi->new('int32_t');
            $error = $this->ffi->new('paytoken_error');
            $status = $this->ffi->paytoken_idempotency_key_drawn($this->handle(), $method, \FFI::addr($drawn), \FFI::addr($error));
            Errors::check($this->ffi, $status, $error);
            $this->drawsKey[$method] = $drawn->cdata === 1;
        }
        return $this->drawsKey[$method];
    }

    private function handle(): CData
    {
        if ($this->handle === null) {
            throw InvalidArgumentException::because('paytoken: this client is closed.');
        }
        return $this->handle;
    }

    /**
     * Calls a function that returns a library-allocated string through its out-parameter,
     * copies the string and frees the original.
     *
     * @param callable(CData, CData): int $call receives char** and paytoken_error*
     */
    private function takeString(callable $call): string
    {
        $out = $this->ffi->new('char*');
        $error = $this->ffi->new('paytoken_error');
        $status = $call(\FFI::addr($out), \FFI::addr($error));
        Errors::check($this->ffi, $status, $error);
        try {
            return \FFI::string($out);
        } finally {
            $this->ffi->paytoken_string_free($out);
        }
    }
}
