package io.paytoken.examples;

import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenException;
import io.paytoken.PayTokenOptions;
import io.paytoken.PayTokenResponse;
import io.paytoken.PayTokenStats;

import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * paytoken from Java against a running simulator ($PAYTOKEN_SIM_URL) with its default
 * NICEPAY credentials: a token, the same token from the cache, one authorized request, stats.
 * Needs only the paytoken-java jar and JNA on the class path.
 */
public final class Demo {
    public static void main(String[] args) throws PayTokenException, UnsupportedEncodingException {
        PrintStream out = new PrintStream(System.out, true, "UTF-8"); // Korean text from NICEPAY
        String url = System.getenv("PAYTOKEN_SIM_URL");
        if (url == null || url.isEmpty()) {
            System.err.println("set PAYTOKEN_SIM_URL to a running paytoken-sim (make demo does)");
            System.exit(2);
        }
        PayTokenOptions options = new PayTokenOptions().baseUrl(url);
        try (PayTokenClient nicepay = PayTokenClient.nicepay("S2_sim_client_key", "sim_nicepay_secret_key", options)) {
            out.println("java: paytoken " + PayTokenClient.nativeVersion() + ", " + nicepay);

            String first = nicepay.token();
            long fetches = nicepay.stats().getTokenFetches();
            String second = nicepay.token();
            PayTokenStats afterSecond = nicepay.stats();
            out.println("java: token " + fingerprint(first) + " (token requests so far: " + fetches + ")");
            out.println("java: again " + fingerprint(second) + (second.equals(first)
                    && afterSecond.getTokenFetches() == fetches ? " from cache, no new token request" : " REFETCHED"));

            PayTokenResponse response = nicepay.request("GET", "/v1/payments/demo_tid_0001");
            out.println("java: GET /v1/payments/demo_tid_0001 -> " + response.getStatus() + " "
                    + field(response.bodyAsString(), "resultCode") + " " + field(response.bodyAsString(), "resultMsg"));
            out.println("java: stats " + nicepay.stats().toJson());
        }
    }

    /** A token shown safely: its first 6 characters and its length. */
    static String fingerprint(String token) {
        return token.substring(0, Math.min(6, token.length())) + "…(" + token.length() + " chars)";
    }

    /** One string field of a flat JSON answer, enough for a demo line. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
