package io.paytoken;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A gateway's answer to {@link PayTokenClient#request}. Any HTTP status the gateway answers
 * is a response (200, 404, 500 ... are not exceptions); only a 401 that survives one retry
 * with a fresh token becomes an {@link AuthException}.
 *
 * <p>Immutable and detached from native memory: safe to keep and to share between threads.
 */
public final class PayTokenResponse {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;
    private final String text;
    private final String method;
    private final String url;
    private String idempotencyKey;

    PayTokenResponse(int status, Map<String, String> headers, byte[] body, String text, String method,
                     String url) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.text = text;
        this.method = method;
        this.url = url;
    }

    PayTokenResponse(int status, Map<String, String> headers, byte[] body, String text, String method,
                     String url, String idempotencyKey) {
        this(status, headers, body, text, method, url);
        this.idempotencyKey = idempotencyKey;
    }

    /**
     * The {@code Idempotency-Key} the request carried (unquoted; PortOne V2
     * POST/PUT/PATCH/DELETE), or null.
     */
    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    /** The path (and query) that was requested, on the client's origin. */
    public String getUrl() {
        return url;
    }

    /**
     * The body as text, decoded by the library: the declared charset, EUC-KR read as CP949
     * (so syllables plain EUC-KR lacks survive), invalid bytes as U+FFFD. The same text
     * every paytoken language gives.
     */
    public String text() {
        return text;
    }

    /**
     * The body parsed as JSON: a {@code Map}, {@code List}, {@code String}, {@code Number},
     * {@code Boolean} or null. A body that is not JSON is a {@link GatewayException} with the
     * status and a short excerpt.
     */
    public Object json() throws GatewayException {
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException notJson) {
            String flat = text.trim().replaceAll("\\s+", " ");
            String excerpt = flat.length() > 120 ? flat.substring(0, 120) + "…" : flat;
            throw new GatewayException("the answer to " + method + " " + url + " (HTTP " + status
                    + ") is not JSON: \"" + excerpt + "\"", status, "");
        }
    }

    /** The HTTP status code. */
    public int getStatus() {
        return status;
    }

    /** True for a 2xx status. */
    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    /**
     * All headers, names in lower case, repeated headers joined with {@code ", "}.
     * The map is unmodifiable.
     */
    public Map<String, String> getHeaders() {
        return headers;
    }

    /** One header by case-insensitive name, or null. */
    public String getHeader(String name) {
        return name == null ? null : headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body bytes exactly as received (a copy; empty when there was no body). */
    public byte[] getBody() {
        return body.clone();
    }

    /**
     * The charset named by the {@code Content-Type} header ({@code charset=EUC-KR}), or UTF-8
     * when it names none or one this JVM does not know.
     */
    public Charset getCharset() {
        String contentType = getHeader("content-type");
        if (contentType != null) {
            for (String parameter : contentType.split(";")) {
                String[] pair = parameter.trim().split("=", 2);
                if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                    try {
                        return Charset.forName(pair[1].trim().replace("\"", ""));
                    } catch (IllegalArgumentException unknownOrIllegalName) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** The body as text, decoded by the library: the same as {@link #text()}. */
    public String bodyAsString() {
        return text;
    }

    /** The body decoded with the given charset. */
    public String bodyAsString(Charset charset) {
        return new String(body, charset);
    }

    /** Status, content type and size; never the body, which may carry personal data. */
    @Override
    public String toString() {
        return "PayTokenResponse{status=" + status + ", contentType=" + getHeader("content-type")
                + ", bodyBytes=" + body.length + "}";
    }
}
