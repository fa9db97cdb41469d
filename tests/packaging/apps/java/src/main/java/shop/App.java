package shop;

import io.paytoken.AuthException;
import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenException;
import io.paytoken.PayTokenOptions;
import io.paytoken.PayTokenResponse;

/**
 * A user's program: paytoken from the jar a Maven build resolved, against $PAYTOKEN_SIM_URL.
 * Prints "token:", "request:" and "error:" lines (tests/packaging/lib.sh checks them).
 */
public final class App {
    public static void main(String[] args) throws PayTokenException {
        PayTokenOptions options = new PayTokenOptions().baseUrl(System.getenv("PAYTOKEN_SIM_URL"));
        System.out.println("jar: " + PayTokenClient.class.getProtectionDomain().getCodeSource().getLocation());
        try (PayTokenClient client = PayTokenClient.nicepay("S2_sim_client_key", "sim_nicepay_secret_key", options)) {
            System.out.println("token: " + client.token().length() + " chars");
            PayTokenResponse response = client.request("GET", "/v1/payments/packaging_smoke_tid");
            if ((response.getStatus() != 200 && response.getStatus() != 404)
                    || !response.bodyAsString().trim().startsWith("{")) {
                throw new IllegalStateException("unexpected answer " + response);
            }
            System.out.println("request: HTTP " + response.getStatus());
        }
        try (PayTokenClient wrong = PayTokenClient.nicepay("S2_sim_client_key", "not-the-secret", options)) {
            wrong.token();
            throw new IllegalStateException("a wrong secret got a token");
        } catch (AuthException e) {
            if (String.valueOf(e.getMessage()).contains("not-the-secret")) {
                throw new IllegalStateException("the secret leaked into the error");
            }
            System.out.println("error: AuthException (HTTP " + e.getHttpStatus() + ")");
        }
    }
}
