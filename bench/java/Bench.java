import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenOptions;
import io.paytoken.PayTokenResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * paytoken from Java: cached token(), and request() against java.net.http.HttpClient
 * (HTTP/1.1, kept-alive connections) on the same endpoint.
 *
 *   java -cp paytoken-java.jar:jna.jar:. Bench BASE_URL [RUNS]
 *
 * One JSON line per measurement and run on stdout (scripts/bench.sh reads them),
 * progress on stderr. Any failed call throws and ends with a non-zero status.
 */
public final class Bench {
    private static final String API_PATH = "/payments/imp_bench";
    private static final int TOKEN_CALLS = 1_000_000;
    private static final int BLOCK = 25;
    private static final int BLOCKS = 12;

    interface Call {
        void run() throws Exception;
    }

    static void emit(String id, int run, double ns) {
        System.out.printf("{\"id\":\"%s\",\"run\":%d,\"value\":%.2f,\"unit\":\"ns\"}%n", id, run, ns);
    }

    /** ns per call of each variant, in small blocks whose order rotates (drift hits all alike). */
    static Map<String, Double> interleaved(Map<String, Call> variants) throws Exception {
        String[] names = variants.keySet().toArray(new String[0]);
        long[] spent = new long[names.length];
        for (int block = 0; block < BLOCKS; block++) {
            for (int k = 0; k < names.length; k++) {
                int i = (block + k) % names.length;
                Call call = variants.get(names[i]);
                long started = System.nanoTime();
                for (int n = 0; n < BLOCK; n++) {
                    call.run();
                }
                spent[i] += System.nanoTime() - started;
            }
        }
        Map<String, Double> perCall = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            perCall.put(names[i], spent[i] / (double) (BLOCK * BLOCKS));
        }
        return perCall;
    }

    /**
     * The floor from Java: paytoken_get_token_cached + paytoken_string_free, direct-mapped
     * with JNA and declared here, on a raw client of the same account (so the same cached
     * token), no error struct, no check; the token read as a String like token() does.
     * The library is the one the wrapper loaded (-Dpaytoken.lib, set by scripts/bench.sh).
     */
    static final class Bare {
        static {
            Native.register(Bare.class, NativeLibrary.getInstance(System.getProperty("paytoken.lib")));
        }

        static native int paytoken_client_new(String configJson, long[] clientOut, Pointer err);

        static native int paytoken_get_token_cached(Pointer client, long[] tokenOut, Pointer err);

        static native void paytoken_string_free(Pointer s);

        static TokenCall forAccount(String baseUrl) {
            long[] handle = new long[1];
            String config = "{\"gateway\":\"portone-v1\",\"impKey\":\"sim_imp_key\","
                    + "\"impSecret\":\"sim_imp_secret\",\"baseUrl\":\"" + baseUrl + "\"}";
            if (paytoken_client_new(config, handle, null) != 0) {
                throw new IllegalStateException("bare paytoken_client_new failed");
            }
            Pointer client = new Pointer(handle[0]);
            long[] first = new long[1];
            if (paytoken_get_token_cached(client, first, null) != 0 || first[0] == 0) {
                throw new IllegalStateException("the bare reference sees no cached token: it loaded another "
                        + "library than the wrapper (run with -Dpaytoken.lib=...)");
            }
            paytoken_string_free(new Pointer(first[0]));
            return () -> {
                long[] out = new long[1];
                paytoken_get_token_cached(client, out, null);
                Pointer token = new Pointer(out[0]);
                String text = token.getString(0, "UTF-8");
                paytoken_string_free(token);
                return text;
            };
        }
    }

    interface TokenCall {
        String get() throws Exception;
    }

    static double cachedTokenNs(TokenCall call) throws Exception {
        int length = 0;
        long started = System.nanoTime();
        for (int i = 0; i < TOKEN_CALLS; i++) {
            length += call.get().length(); // used, so the JIT cannot drop the call
        }
        long elapsed = System.nanoTime() - started;
        if (length == 0) {
            throw new IllegalStateException("empty tokens");
        }
        return elapsed / (double) TOKEN_CALLS;
    }

    public static void main(String[] args) throws Exception {
        String baseUrl = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        try (PayTokenClient client = PayTokenClient.portoneV1("sim_imp_key", "sim_imp_secret",
                new PayTokenOptions().baseUrl(baseUrl))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create(baseUrl + API_PATH))
                    .header("Authorization", "Bearer " + client.token()).GET().build();

            Map<String, Call> variants = new LinkedHashMap<>();
            variants.put("java.request.paytoken", () -> {
                PayTokenResponse response = client.request("GET", API_PATH);
                if (response.getStatus() != 200 || response.getBody().length == 0) {
                    throw new IllegalStateException("paytoken GET answered " + response.getStatus());
                }
            });
            variants.put("java.request.httpclient", () -> {
                HttpResponse<byte[]> response = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200 || response.body().length == 0) {
                    throw new IllegalStateException("HttpClient GET answered " + response.statusCode());
                }
            });
            TokenCall wrapper = client::token;
            TokenCall bare = Bare.forAccount(baseUrl);
            if (!bare.get().equals(client.token())) {
                throw new IllegalStateException("the bare call did not return the cached token");
            }
            // Warm-up: let the JIT compile both paths before anything is timed.
            cachedTokenNs(wrapper);
            cachedTokenNs(bare);
            for (int i = 0; i < 4; i++) {
                interleaved(variants);
            }
            // Token runs first, then request runs: a CPU-bound loop right before a request
            // block slowed the requests that followed it (seen from PHP on a 2-core VM).
            for (int run = 0; run < runs; run++) {
                // Side by side in every run (the ratio is taken run by run), order alternating.
                if (run % 2 == 0) {
                    emit("java.token", run, cachedTokenNs(wrapper));
                    emit("java.token.bare", run, cachedTokenNs(bare));
                } else {
                    emit("java.token.bare", run, cachedTokenNs(bare));
                    emit("java.token", run, cachedTokenNs(wrapper));
                }
            }
            // The token runs leave millions of short-lived strings: collect them now, so that
            // the collector's threads do not compete with the request runs for the cores.
            System.gc();
            Thread.sleep(200);
            interleaved(variants);
            for (int run = 0; run < runs; run++) {
                for (Map.Entry<String, Double> entry : interleaved(variants).entrySet()) {
                    emit(entry.getKey(), run, entry.getValue());
                }
                System.err.println("  java run " + run + " done");
            }
        }
    }
}
