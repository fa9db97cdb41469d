package io.paytoken;

import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.StampedLock;

/**
 * A client of one payment gateway: gets and caches its access token process-wide and sends
 * authorized requests, retrying once with a fresh token on HTTP 401.
 *
 * <pre>{@code
 * try (PayTokenClient nicepay = PayTokenClient.nicepay(clientKey, secretKey)) {
 *     PayTokenResponse r = nicepay.request("GET", "/v1/payments/" + tid);
 *     System.out.println(r.getStatus() + " " + r.bodyAsString());
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A client is thread-safe: share one (a singleton bean) across all request
 * threads. All clients with the same gateway, origin and credentials share one cached token,
 * so N threads asking a cold cache cause one token request. {@link #close()} waits for calls
 * in progress on this client, then frees it; later calls throw {@link IllegalStateException}.
 *
 * <p><b>Secrets.</b> Credentials are handed to the native library at construction and not
 * kept here; {@link #toString()} shows only the gateway and origin.
 */
public final class PayTokenClient implements AutoCloseable {
    /**
     * Readers are calls in progress; the writer is close(), which must not free under them.
     * A StampedLock, not a ReentrantReadWriteLock: its read lock is one CAS, without per-thread
     * hold counts, which halves the cost of a cached token() when 32 threads share a client.
     */
    private final StampedLock lifecycle = new StampedLock();
    private final Lock calls = lifecycle.asReadLock();
    private volatile Pointer handle; // written under the write lock; null once closed
    private final String gateway;
    private final String origin;

    /**
     * A client from a JSON config, as documented for the C library, e.g.
     * {@code {"gateway":"portone-v1","impKey":"...","impSecret":"...","tier":"A1"}}.
     *
     * @throws InvalidArgumentException if the config is malformed, incomplete or has an unknown key
     */
    public PayTokenClient(String configJson) throws PayTokenException {
        NativeLib.ensureLoaded();
        byte[] config = Utf8.encode(configJson, "configJson");
        NativeLib.Call call = new NativeLib.Call();
        try {
            int status = NativeLib.paytoken_client_new(config, call.out, call.error);
            if (status != 0) {
                throw call.exception(status);
            }
            handle = call.result();
        } finally {
            if (config != null) {
                Arrays.fill(config, (byte) 0); // the config holds the credentials
            }
        }
        // Only now is the config known to be valid JSON: keep its non-secret parts for toString.
        Map<String, Object> parsed = parseOrEmpty(configJson);
        gateway = stringOrNull(parsed.get("gateway"));
        origin = stringOrNull(parsed.get("baseUrl"));
        PayTokenLogging.syncLevel();
    }

    /** A NICEPAY client (token scheme) with default options. */
    public static PayTokenClient nicepay(String clientKey, String secretKey) throws PayTokenException {
        return nicepay(clientKey, secretKey, null);
    }

    /** A NICEPAY client; {@code options} may be null. */
    public static PayTokenClient nicepay(String clientKey, String secretKey, PayTokenOptions options)
            throws PayTokenException {
        return create("nicepay", options, "clientKey", clientKey, "secretKey", secretKey);
    }

    /** A PortOne V1 (iamport) client with default options. */
    public static PayTokenClient portoneV1(String impKey, String impSecret) throws PayTokenException {
        return portoneV1(impKey, impSecret, null);
    }

    /** A PortOne V1 (iamport) client; {@code options} may be null. */
    public static PayTokenClient portoneV1(String impKey, String impSecret, PayTokenOptions options)
            throws PayTokenException {
        return create("portone-v1", options, "impKey", impKey, "impSecret", impSecret);
    }

    /** A PortOne V2 client ({@code Authorization: PortOne <apiSecret>}) with default options. */
    public static PayTokenClient portoneV2(String apiSecret) throws PayTokenException {
        return portoneV2(apiSecret, null);
    }

    /** A PortOne V2 client; {@code options} may be null ({@code auth("token")} for the token scheme). */
    public static PayTokenClient portoneV2(String apiSecret, PayTokenOptions options) throws PayTokenException {
        return create("portone-v2", options, "apiSecret", apiSecret);
    }

    private static PayTokenClient create(String gateway, PayTokenOptions options, String... credentials)
            throws PayTokenException {
        StringBuilder json = new StringBuilder("{\"gateway\":");
        Json.quote(json, gateway);
        for (int i = 0; i < credentials.length; i += 2) {
            json.append(',');
            Json.quote(json, credentials[i]);
            json.append(':');
            Json.value(json, credentials[i + 1]);
        }
        if (options != null) {
            options.appendJsonMembers(json);
        }
        return new PayTokenClient(json.append('}').toString());
    }

    /** The version of the loaded native library, e.g. {@code "0.1.0"}. */
    public static String nativeVersion() throws PayTokenException {
        NativeLib.ensureLoaded();
        return Utf8.read(NativeLib.paytoken_version());
    }

    /** The gateway this client talks to ({@code "nicepay"}, {@code "portone-v1"}, {@code "portone-v2"}). */
    public String getGateway() {
        return gateway;
    }

    /**
     * The current access token, from the process-wide cache or fetched (once, however many
     * threads ask). Treat it as a secret.
     *
     * @throws InvalidArgumentException for an auth scheme without tokens (NICEPAY basic, PortOne V2 secret)
     */
    public String token() throws PayTokenException {
        Pointer client = acquire();
        try {
            // The warm path: one C call that never waits and never does I/O, with no error
            // struct (JNA copies a byte[] in and out: 544 bytes each way). Anything else (no
            // fresh token, an error, FINE logging on: the library logs the hit there) takes
            // the full call.
            if (PayTokenLogging.syncLevel() == 0) {
                long[] out = new long[1];
                if (NativeLib.paytoken_get_token_cached(client, out, null) == 0 && out[0] != 0) {
                    return takeString(new Pointer(out[0]));
                }
            }
        } finally {
            release();
        }
        return stringCall(NativeLib::paytoken_get_token);
    }

    /** Drops the cached token of this client's gateway, origin and credentials. */
    public void invalidate() throws PayTokenException {
        invalidate(null);
    }

    /**
     * Drops the cached token only if it is {@code token} (compare-and-invalidate: a token
     * another thread fetched meanwhile is kept). {@code null} drops whatever is cached.
     */
    public void invalidate(String token) throws PayTokenException {
        byte[] rejected = Utf8.encode(token, "token");
        Pointer client = acquire();
        try {
            NativeLib.Call call = new NativeLib.Call();
            int status = NativeLib.paytoken_invalidate(client, rejected, call.error);
            if (status != 0) {
                throw call.exception(status);
            }
        } finally {
            release();
        }
    }

    /** The counters of this client's cache entry. */
    public PayTokenStats stats() throws PayTokenException {
        String json = stringCall(NativeLib::paytoken_client_stats);
        try {
            return new PayTokenStats(json);
        } catch (IllegalArgumentException e) {
            throw new InternalException("libpaytoken returned stats that are not a JSON object: " + e.getMessage(), 0, null);
        }
    }

    /** Sends {@code method path} without a body. */
    public PayTokenResponse request(String method, String path) throws PayTokenException {
        return request(method, path, (byte[]) null, null);
    }

    /**
     * Sends {@code method path} with a UTF-8 text body, or none if null. For extra headers use
     * {@link #request(String, String, byte[], Map)} with {@code body.getBytes(UTF_8)}: one
     * four-argument form only, so that {@code request(m, p, null, headers)} is never ambiguous.
     */
    public PayTokenResponse request(String method, String path, String body) throws PayTokenException {
        return request(method, path, body == null ? null : Utf8.strict(body, "body"), null);
    }

    /**
     * Sends an authorized request to the gateway's origin and returns its answer, whatever the
     * HTTP status. On 401 the token is dropped, a fresh one fetched and the request retried once.
     *
     * @param method  {@code GET}, {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}
     * @param path    starts with {@code /}, may carry {@code ?query}; absolute URLs are refused
     * @param body    the body bytes, or null; sent as {@code application/json;charset=utf-8}
     *                unless {@code headers} has a Content-Type
     * @param headers extra headers (e.g. {@code Idempotency-Key}), or null
     * @throws PayTokenTimeoutException / NetworkException: the outcome at the gateway is unknown
     */
    public PayTokenResponse request(String method, String path, byte[] body, Map<String, String> headers)
            throws PayTokenException {
        return request(method, path, body, headers, (PayTokenRequestOptions) null);
    }

    /**
     * A UTF-8 {@code String} body with headers by name (either may be null). Not an overload of
     * {@code request}: {@code request(m, p, null, headers)} must stay unambiguous.
     */
    private PayTokenResponse requestText(String method, String path, String body, Map<String, String> headers)
            throws PayTokenException {
        return request(method, path, body == null ? null : Utf8.strict(body, "body"), headers,
                (PayTokenRequestOptions) null);
    }

    /**
     * {@code request} with a deadline for this call only, replacing the client's
     * {@code timeoutMs} (an approval may wait 60 s, a lookup 5 s); null keeps the client's.
     */
    public PayTokenResponse request(String method, String path, byte[] body, Map<String, String> headers,
                                    Duration timeout) throws PayTokenException {
        return request(method, path, body, headers, PayTokenRequestOptions.create().timeout(timeout));
    }

    /**
     * {@code request} with per-call options: a deadline, your own idempotency key,
     * {@code retryUnknownOutcome}. A PortOne V2 POST/PUT/PATCH/DELETE carries an
     * {@code Idempotency-Key} (a fresh one unless you give one): it is
     * {@link PayTokenResponse#getIdempotencyKey()} and, when the call fails,
     * {@link PayTokenException#getIdempotencyKey()}.
     */
    public PayTokenResponse request(String method, String path, byte[] body, Map<String, String> headers,
                                    PayTokenRequestOptions requestOptions) throws PayTokenException {
        path = PayTokenRequestOptions.withQuery(path, requestOptions);
        headers = PayTokenRequestOptions.withHeaders(headers, requestOptions);
        byte[] methodBytes = Utf8.encode(upper(method), "method");
        byte[] pathBytes = Utf8.encode(path, "path");
        byte[] headersJson = headers == null ? null : Utf8.encode(headersJson(headers), "headers");
        byte[] bodyOrNull = body == null || body.length == 0 ? null : body;
        String methodText = method == null ? "" : upper(method);
        Pointer client = acquire();
        try {
            byte[] given = PayTokenRequestOptions.json(requestOptions,
                    requestOptions == null ? null : requestOptions.idempotencyKey());
            Recovery.Pinned key = methodBytes == null ? new Recovery.Pinned(null, given)
                    : Recovery.pin(client, methodBytes, headersJson, given);
            NativeLib.Call call = new NativeLib.Call();
            int status = NativeLib.paytoken_request_ex(client, methodBytes, pathBytes, headersJson,
                    bodyOrNull, bodyOrNull == null ? 0 : bodyOrNull.length, key.options, call.out, call.error);
            if (status != 0) {
                throw call.exception(status).withIdempotencyKey(key.key);
            }
            Pointer response = call.result();
            try {
                return readResponse(response, call, methodText, path);
            } finally {
                NativeLib.paytoken_response_free(response);
            }
        } finally {
            release();
        }
    }

    // ---- asynchronous (AsyncCalls): no Java thread waits for the gateway -----------------

    /**
     * {@link #token()} without blocking: a fresh cached token completes the future at once
     * on this thread (no I/O); otherwise the fetch runs on the library's I/O threads and
     * completes the future there. Errors complete it exceptionally with the same
     * {@link PayTokenException} subclasses as {@link #token()}.
     *
     * <p>Dependent stages added without {@code ...Async} run on a library I/O thread:
     * use {@code thenApplyAsync} and friends for blocking work.
     */
    public CompletableFuture<String> tokenAsync() {
        Pointer client;
        try {
            client = acquire();
        } catch (IllegalStateException e) {
            return AsyncCalls.failed(e);
        }
        try {
            String cached = AsyncCalls.cachedToken(client);
            return cached != null ? CompletableFuture.completedFuture(cached) : AsyncCalls.token(client);
        } catch (PayTokenException e) {
            return AsyncCalls.failed(e);
        } finally {
            release();
        }
    }

    /** {@link #request(String, String)} without blocking (see {@link #requestAsync(String, String, byte[], Map)}). */
    public CompletableFuture<PayTokenResponse> requestAsync(String method, String path) {
        return requestAsync(method, path, null, null);
    }

    /**
     * {@link #request(String, String, byte[], Map)} without blocking: the request runs on the
     * library's I/O threads (any number in flight; the config key {@code maxInFlight},
     * default 256, bounds how many run at once and queues the rest) and completes the
     * future there, exceptionally with the same exceptions as the blocking call. Closing
     * the client meanwhile is safe: the library keeps it until the call is done.
     */
    public CompletableFuture<PayTokenResponse> requestAsync(String method, String path, byte[] body,
                                                            Map<String, String> headers) {
        return requestAsync(method, path, body, headers, null);
    }

    /** {@link #requestAsync(String, String, byte[], Map)} with per-call options (see {@code request}). */
    public CompletableFuture<PayTokenResponse> requestAsync(String method, String path, byte[] body,
                                                            Map<String, String> headers,
                                                            PayTokenRequestOptions requestOptions) {
        path = PayTokenRequestOptions.withQuery(path, requestOptions);
        headers = PayTokenRequestOptions.withHeaders(headers, requestOptions);
        Pointer client;
        try {
            byte[] methodBytes = Utf8.encode(upper(method), "method");
            byte[] pathBytes = Utf8.encode(path, "path");
            byte[] headersJson = headers == null ? null : Utf8.encode(headersJson(headers), "headers");
            byte[] bodyOrNull = body == null || body.length == 0 ? null : body;
            client = acquire();
            try {
                String methodText = method == null ? "" : upper(method);
                // Deciding a key reads the OS's random source at most: no network I/O on this thread.
                byte[] given = PayTokenRequestOptions.json(requestOptions,
                        requestOptions == null ? null : requestOptions.idempotencyKey());
                Recovery.Pinned key = methodBytes == null ? new Recovery.Pinned(null, given)
                        : Recovery.pin(client, methodBytes, headersJson, given);
                return AsyncCalls.request(client, methodText, path, methodBytes, pathBytes, headersJson, bodyOrNull,
                        key.options, key.key);
            } finally {
                release();
            }
        } catch (PayTokenException | IllegalStateException e) {
            return AsyncCalls.failed(e);
        }
    }

    /** Frees the native client. Idempotent; waits for calls in progress on this client. */
    // ---- shortcuts: a String body is sent as UTF-8 (JSON unless a Content-Type says otherwise)

    /** {@code GET path}. */
    public PayTokenResponse get(String path) throws PayTokenException {
        return request("GET", path, (byte[]) null, null);
    }

    /**
     * {@code GET path} with per-call options: headers, query parameters, a deadline
     * (the options form every binding has for its second argument).
     */
    public PayTokenResponse get(String path, PayTokenRequestOptions options) throws PayTokenException {
        return request("GET", path, (byte[]) null, null, options);
    }

    /**
     * {@code GET path} with headers by name.
     *
     * @deprecated the 0.1 form: use {@link #get(String, PayTokenRequestOptions)} with
     *     {@code PayTokenRequestOptions.create().headers(headers)}.
     */
    @Deprecated
    public PayTokenResponse get(String path, Map<String, String> headers) throws PayTokenException {
        return request("GET", path, (byte[]) null, headers);
    }

    /** {@code POST path} with a body. */
    public PayTokenResponse post(String path, String body) throws PayTokenException {
        return requestText("POST", path, body, null);
    }

    /** {@code POST path} with a body and per-call options (headers, query, deadline, key). */
    public PayTokenResponse post(String path, String body, PayTokenRequestOptions options)
            throws PayTokenException {
        return request("POST", path, body == null ? null : Utf8.strict(body, "body"), null, options);
    }

    /** {@code POST path} with a body and headers ({@code Idempotency-Key}, ...). */
    public PayTokenResponse post(String path, String body, Map<String, String> headers) throws PayTokenException {
        return requestText("POST", path, body, headers);
    }

    /** {@code PUT path} with a body. */
    public PayTokenResponse put(String path, String body) throws PayTokenException {
        return requestText("PUT", path, body, null);
    }

    /** {@code PUT path} with a body and headers. */
    public PayTokenResponse put(String path, String body, Map<String, String> headers) throws PayTokenException {
        return requestText("PUT", path, body, headers);
    }

    /** {@code PATCH path} with a body. */
    public PayTokenResponse patch(String path, String body) throws PayTokenException {
        return requestText("PATCH", path, body, null);
    }

    /** {@code PATCH path} with a body and headers. */
    public PayTokenResponse patch(String path, String body, Map<String, String> headers) throws PayTokenException {
        return requestText("PATCH", path, body, headers);
    }

    /** {@code DELETE path}. */
    public PayTokenResponse delete(String path) throws PayTokenException {
        return request("DELETE", path, (byte[]) null, null);
    }

    /** {@code DELETE path} with per-call options (headers, query, deadline, key). */
    public PayTokenResponse delete(String path, PayTokenRequestOptions options) throws PayTokenException {
        return request("DELETE", path, (byte[]) null, null, options);
    }

    /**
     * {@code DELETE path} with headers.
     *
     * @deprecated the 0.1 form: use {@link #delete(String, PayTokenRequestOptions)}.
     */
    @Deprecated
    public PayTokenResponse delete(String path, Map<String, String> headers) throws PayTokenException {
        return request("DELETE", path, (byte[]) null, headers);
    }

    /** The library's config key table as JSON ({@code paytoken_config_schema}). */
    public static String configSchema() throws PayTokenException {
        NativeLib.ensureLoaded();
        return Utf8.read(NativeLib.paytoken_config_schema());
    }

    @Override
    public void close() {
        long stamp = lifecycle.writeLock();
        try {
            if (handle != null) {
                NativeLib.paytoken_client_free(handle);
                handle = null;
            }
        } finally {
            lifecycle.unlockWrite(stamp);
        }
    }

    /** Gateway and origin only: never credentials or tokens. */
    @Override
    public String toString() {
        return "PayTokenClient{gateway=" + gateway + (origin == null ? "" : ", baseUrl=" + origin)
                + (handle == null ? ", closed" : "") + "}";
    }

    // ---- helpers ------------------------------------------------------------------------

    private Pointer acquire() {
        try {
            PayTokenLogging.syncLevel(); // logging may have been configured after this client was made
        } catch (PayTokenException ignored) { // the library is loaded: configuring it cannot fail
        }
        calls.lock();
        if (handle == null) {
            calls.unlock();
            throw new IllegalStateException("this PayTokenClient is closed");
        }
        return handle;
    }

    private void release() {
        calls.unlock();
    }

    /** A C function {@code int32_t f(const paytoken_client *, char **out, paytoken_error *)}. */
    private interface StringFunction {
        int call(Pointer client, long[] out, byte[] error);
    }

    /** Calls {@code function} and returns its string, freed whatever happens. */
    private String stringCall(StringFunction function) throws PayTokenException {
        Pointer client = acquire();
        try {
            NativeLib.Call call = new NativeLib.Call();
            int status = function.call(client, call.out, call.error);
            if (status != 0) {
                throw call.exception(status);
            }
            return takeString(call.result());
        } finally {
            release();
        }
    }

    /** Copies a string the library returned, then frees it. */
    private static String takeString(Pointer string) {
        try {
            return Utf8.read(string);
        } finally {
            NativeLib.paytoken_string_free(string);
        }
    }

    static PayTokenResponse readResponse(Pointer response, NativeLib.Call call, String method,
                                          String path) throws PayTokenException {
        int status = NativeLib.paytoken_response_status(response);
        Pointer bodyPointer = NativeLib.paytoken_response_body(response, call.length);
        long length = call.length[0];
        if (length > Integer.MAX_VALUE - 8) {
            throw new GatewayException("the response body of " + length
                    + " bytes is larger than a Java array can hold; lower maxResponseBytes", status, null);
        }
        byte[] body = length == 0 || bodyPointer == null ? new byte[0] : bodyPointer.getByteArray(0, (int) length);
        String headersJson = Utf8.read(NativeLib.paytoken_response_headers_json(response));
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            if (headersJson != null) {
                for (Map.Entry<String, Object> header : Json.parseObject(headersJson).entrySet()) {
                    headers.put(header.getKey(), String.valueOf(header.getValue()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new InternalException("libpaytoken returned headers that are not a JSON object: " + e.getMessage(), 0, null);
        }
        Pointer textPointer = NativeLib.paytoken_response_text(response, call.length);
        long textLength = call.length[0];
        String text = textLength == 0 || textPointer == null ? ""
                : new String(textPointer.getByteArray(0, (int) Math.min(textLength, Integer.MAX_VALUE - 8)),
                        StandardCharsets.UTF_8);
        String idempotencyKey = Utf8.read(NativeLib.paytoken_response_idempotency_key(response));
        return new PayTokenResponse(status, Collections.unmodifiableMap(headers), body, text, method, path,
                idempotencyKey);
    }

    private static String headersJson(Map<String, String> headers) throws InvalidArgumentException {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() == null) {
                throw new InvalidArgumentException("headers has a null name", 0, null);
            }
            if (json.length() > 1) {
                json.append(',');
            }
            Json.quote(json, header.getKey());
            json.append(':');
            Json.value(json, header.getValue());
        }
        return json.append('}').toString();
    }

    private static String upper(String method) {
        return method == null ? null : method.toUpperCase(java.util.Locale.ROOT);
    }

    // ---- NICEPAY: unknown approvals --------------------------------------------------------

    /**
     * NICEPAY's {@code signData}: lower-hex SHA-256 of {@code parts} joined, then the
     * client's secret key (which never leaves the library). NICEPAY clients only; no I/O.
     */
    public String nicepaySign(String... parts) throws PayTokenException {
        Pointer client = acquire();
        try {
            return Recovery.nicepaySign(client, parts);
        } finally {
            release();
        }
    }

    /** {@link #nicepayNetcancel(String, Duration)} with the client's timeout. */
    public NetCancelResult nicepayNetcancel(String orderId) throws PayTokenException {
        return nicepayNetcancel(orderId, null);
    }

    /**
     * Sends NICEPAY's network cancel for {@code orderId}, after an approval whose outcome is
     * unknown (within one hour of it). A timeout or network error is
     * {@link NetCancelResult.Outcome#RETRY}, never an exception; only bad arguments throw.
     * Blocks for up to {@code timeout} (null: the client's).
     */
    public NetCancelResult nicepayNetcancel(String orderId, Duration timeout) throws PayTokenException {
        byte[] options = PayTokenRequestOptions.json(PayTokenRequestOptions.create().timeout(timeout), null);
        Pointer client = acquire();
        try {
            return Recovery.netcancel(client, orderId, options);
        } finally {
            release();
        }
    }

    /** {@link #nicepayNetcancelAsync(String, Duration)} with the client's timeout. */
    public CompletableFuture<NetCancelResult> nicepayNetcancelAsync(String orderId) {
        return nicepayNetcancelAsync(orderId, null);
    }

    /**
     * {@link #nicepayNetcancel(String, Duration)} without blocking: the cancel runs on the
     * library's I/O threads (as {@link #requestAsync}) and completes the future there with
     * the same {@link NetCancelResult}; a timeout or network error is
     * {@link NetCancelResult.Outcome#RETRY}. Bad arguments complete it exceptionally with
     * {@link InvalidArgumentException}.
     */
    public CompletableFuture<NetCancelResult> nicepayNetcancelAsync(String orderId, Duration timeout) {
        Pointer client;
        try {
            byte[] order = Utf8.encode(orderId, "orderId");
            byte[] options = PayTokenRequestOptions.json(PayTokenRequestOptions.create().timeout(timeout), null);
            client = acquire();
            try {
                return AsyncCalls.netcancel(client, order, options);
            } finally {
                release();
            }
        } catch (PayTokenException | IllegalStateException e) {
            return AsyncCalls.failed(e);
        }
    }

    /**
     * Looks the payment up and compares it with what the shop expects (issue 25): a
     * {@link PaymentVerdict}, never an exception for "not paid". Transport errors throw.
     */
    public PaymentVerdict verifyPayment(PaymentCheck check) throws PayTokenException {
        Pointer client = acquire();
        try {
            return Verification.payment(client, check);
        } finally {
            release();
        }
    }

    /**
     * Verifies a NICEPAY webhook (this client's secret key checks its signature) or a
     * PortOne V1 notice (looked up with this client). PortOne V2: {@link Verification#webhook}.
     */
    public WebhookResult verifyWebhook(byte[] body, Map<String, ?> headers) throws PayTokenException {
        Pointer client = acquire();
        try {
            return Verification.withClient(client, body, headers);
        } finally {
            release();
        }
    }

    private static Map<String, Object> parseOrEmpty(String json) {
        try {
            return Json.parseObject(json);
        } catch (IllegalArgumentException e) { // JSON the library takes but this parser does not
            return Collections.emptyMap();
        }
    }

    private static String stringOrNull(Object value) {
        return value instanceof String ? (String) value : null;
    }
}
