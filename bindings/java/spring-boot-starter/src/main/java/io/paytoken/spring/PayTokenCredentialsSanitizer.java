package io.paytoken.spring;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Masks the credentials of {@code paytoken.clients.<name>} in the Actuator's {@code env} and
 * {@code configprops} endpoints, whatever {@code show-values} says: a property under that
 * name in every spelling a property source uses ({@code paytoken.clients.shop.secret-key},
 * {@code PAYTOKEN_CLIENTS_SHOP_SECRETKEY}, {@code paytoken.clients.shop.secretKey}), and any
 * property whose value holds a configured credential (the {@code NICEPAY_SECRET_KEY}
 * environment variable a placeholder read it from, a command line that carries it).
 */
class PayTokenCredentialsSanitizer implements SanitizingFunction {
    private static final List<String> CREDENTIALS =
            Arrays.asList("clientkey", "secretkey", "impkey", "impsecret", "apisecret");

    private final PayTokenProperties properties;

    PayTokenCredentialsSanitizer(PayTokenProperties properties) {
        this.properties = properties;
    }

    @Override
    public SanitizableData apply(SanitizableData data) {
        return isCredential(data.getKey()) || holdsCredential(data.getValue())
                ? data.withValue(SanitizableData.SANITIZED_VALUE) : data;
    }

    private boolean holdsCredential(Object value) {
        if (!(value instanceof CharSequence)) {
            return false;
        }
        String text = value.toString();
        for (PayTokenClientProperties client : properties.getClients().values()) {
            for (String credential : client.credentials()) {
                if (text.contains(credential)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isCredential(String key) {
        if (key == null) {
            return false;
        }
        String uniform = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (!uniform.startsWith("paytokenclients")) {
            return false;
        }
        for (String credential : CREDENTIALS) {
            if (uniform.endsWith(credential)) {
                return true;
            }
        }
        return false;
    }
}
