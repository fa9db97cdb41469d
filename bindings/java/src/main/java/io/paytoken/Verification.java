package io.paytoken;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Webhook verification (issue 25): "trust nothing the browser says". The library checks
 * the signature (PortOne V2's Standard Webhooks, NICEPAY's {@code signature}) in constant
 * time, or confirms PortOne V1's unsigned notice by a lookup; this class only marshals.
 * Refusals are values, not exceptions.
 *
 * <p>Pass the body EXACTLY as received, as bytes (Spring: {@code @RequestBody byte[] body};
 * servlet: read {@code request.getInputStream()} fully): a parsed and re-serialized body
 * fails its signature.
 */
public final class Verification {
    private Verification() {
    }

    /** A PortOne V2 webhook (Standard Webhooks), with the default 5-minute tolerance. */
    public static WebhookResult webhook(byte[] body, Map<String, ?> headers, String secret) throws PayTokenException {
        return webhook(body, headers, secret, null, null);
    }

    /**
     * A PortOne V2 webhook. {@code toleranceSecs} (null: 300) bounds the timestamp's age and
     * skew; {@code nowUnixSecs} (null: the clock) is for tests. Header values may be strings
     * or lists of strings (Spring's {@code HttpHeaders}); names in any case.
     */
    public static WebhookResult webhook(byte[] body, Map<String, ?> headers, String secret, Long toleranceSecs,
            Long nowUnixSecs) throws PayTokenException {
        if (secret == null) {
            throw new InvalidArgumentException("the webhook secret (whsec_...) is null", 0, null);
        }
        return call(null, request(headers, secret, toleranceSecs, nowUnixSecs), body);
    }

    static WebhookResult withClient(Pointer client, byte[] body, Map<String, ?> headers) throws PayTokenException {
        return call(client, request(headers, null, null, null), body);
    }

    static PaymentVerdict payment(Pointer client, PaymentCheck check) throws PayTokenException {
        NativeLib.ensureLoaded();
        NativeLib.Call call = new NativeLib.Call();
        int status = VerifyNative.paytoken_verify_payment(client, bytes(check.json()), call.out, call.error);
        return new PaymentVerdict(Recovery.takeString(status, call));
    }

    private static WebhookResult call(Pointer client, String requestJson, byte[] body) throws PayTokenException {
        if (body == null) {
            throw new InvalidArgumentException("the webhook body is null", 0, null);
        }
        NativeLib.ensureLoaded();
        NativeLib.Call call = new NativeLib.Call();
        int status = VerifyNative.paytoken_verify_webhook(client, bytes(requestJson), body, body.length, call.out,
                call.error);
        return new WebhookResult(Recovery.takeString(status, call));
    }

    private static String request(Map<String, ?> headers, String secret, Long toleranceSecs, Long nowUnixSecs) {
        StringBuilder out = new StringBuilder("{\"headers\":{");
        boolean first = true;
        if (headers != null) {
            for (Map.Entry<String, ?> header : headers.entrySet()) {
                Object value = header.getValue();
                if (value instanceof List) {
                    List<?> list = (List<?>) value;
                    value = list.isEmpty() ? "" : list.get(0);
                }
                if (header.getKey() == null || value == null) {
                    continue;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                Json.quote(out, header.getKey());
                out.append(':');
                Json.quote(out, value.toString());
            }
        }
        out.append('}');
        if (secret != null) {
            out.append(",\"secret\":");
            Json.quote(out, secret);
        }
        if (toleranceSecs != null) {
            out.append(",\"toleranceSecs\":").append(toleranceSecs.longValue());
        }
        if (nowUnixSecs != null) {
            out.append(",\"nowUnixSecs\":").append(nowUnixSecs.longValue());
        }
        return out.append('}').toString();
    }

    private static byte[] bytes(String json) {
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, terminated, 0, utf8.length);
        return terminated;
    }
}
