package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JNA declarations match include/paytoken_ffi.h: every {@code native paytoken_*} method
 * of this package (found in its compiled classes, so a new class is covered too) has the
 * header's argument count and types, and every function of the header is either declared
 * or listed in {@link #NOT_DECLARED} with the reason. The header is read by the
 * repository's one parser (scripts/ffi-signatures.py, shared with the Python and Node
 * tests); scripts/test-binding-declarations.sh proves this test fails on a changed
 * signature. PAYTOKEN_FFI_HEADER checks another header.
 *
 * <p>JNA direct mapping is coarser than C: {@code int}/{@code long} carry no sign,
 * {@code Pointer} is any pointer, {@code byte[]} is a pointer to bytes or to the
 * caller-owned {@code paytoken_error}, and {@code long[1]} is an out-parameter of a pointer
 * or a 64-bit integer.
 */
class CDeclarationsTest {
    private static final File SCRIPT = new File(System.getProperty("user.dir"), "../../scripts/ffi-signatures.py");

    /** Header functions this package does not call, and why. */
    private static final Map<String, String> NOT_DECLARED = new HashMap<>();

    static {
        NOT_DECLARED.put("paytoken_log_next", "the log callback mode is used: records arrive on the library's log thread");
        // Called through JNA's Function before Native.register, to refuse a wrong library
        // with a message (NativeLib.checkAbi): no arguments, an int and a size_t return.
        NOT_DECLARED.put("paytoken_abi_version", "NativeLib calls it by name before registering");
        NOT_DECLARED.put("paytoken_error_size", "NativeLib calls it by name before registering");
        NOT_DECLARED.put("paytoken_response_header", "headers are read once as JSON (paytoken_response_headers_json)");
        // The completion queue (ABI 1.5): Java still completes through the JNA callback,
        // whose I/O threads stay attached to the JVM (no attach per call); a dispatcher
        // thread over paytoken_queue_wait is issue 22's open Java step.
        for (String name : new String[] {"paytoken_queue_new", "paytoken_queue_fd", "paytoken_queue_drain",
                "paytoken_queue_wait", "paytoken_queue_free", "paytoken_request_queued",
                "paytoken_get_token_queued", "paytoken_nicepay_netcancel_queued"}) {
            NOT_DECLARED.put(name, "AsyncCalls completes through the paytoken_callback (see above)");
        }
        NOT_DECLARED.put("paytoken_heap_in_use", "a diagnostic for leak checks (the soak reads it directly); the API needs no wrapper");
        NOT_DECLARED.put("paytoken_response_read", "one call for a whole response, made for PHP's FFI (each foreign call costs there); this package reads the parts it needs");
        NOT_DECLARED.put("paytoken_idempotency_key_drawn", "lets PHP skip the pin call per GET; this package pins the key on every call");
    }

    private static Map<String, Object> functions;
    private static Map<String, Object> callbacks;
    private static final Map<String, Method> DECLARED = new TreeMap<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readHeaderAndDeclarations() throws Exception {
        assumeTrue(SCRIPT.isFile(), SCRIPT + " is not here (run from the repository)");
        Process process = new ProcessBuilder("python3", SCRIPT.getPath()).redirectErrorStream(false).start();
        String out = readAll(process.getInputStream());
        assertTrue(process.waitFor() == 0, "ffi-signatures.py failed: " + readAll(process.getErrorStream()));
        Map<String, Object> header = Json.parseObject(out);
        functions = new TreeMap<>();
        for (Object f : (List<Object>) header.get("functions")) {
            Map<String, Object> function = (Map<String, Object>) f;
            functions.put((String) function.get("name"), function);
        }
        callbacks = (Map<String, Object>) header.get("callbacks");
        File classes = new File(NativeLib.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File dir = new File(classes, "io/paytoken");
        for (String file : dir.list()) {
            if (!file.endsWith(".class")) {
                continue;
            }
            Class<?> type = Class.forName("io.paytoken." + file.substring(0, file.length() - 6), false,
                    NativeLib.class.getClassLoader());
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isNative(method.getModifiers()) && method.getName().startsWith("paytoken_")) {
                    DECLARED.put(method.getName(), method);
                }
            }
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) > 0; ) {
            buffer.write(chunk, 0, n);
        }
        return new String(buffer.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachNativeMethodMatchesTheHeader() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Method> entry : DECLARED.entrySet()) {
            String name = entry.getKey();
            Method method = entry.getValue();
            Map<String, Object> c = (Map<String, Object>) functions.get(name);
            if (c == null) {
                problems.add(name + ": declared here but not in the header");
                continue;
            }
            List<Object> args = (List<Object>) c.get("args");
            Class<?>[] mine = method.getParameterTypes();
            if (mine.length != args.size()) {
                problems.add(name + ": " + mine.length + " arguments here, " + args.size() + " in the header");
                continue;
            }
            for (int i = 0; i < mine.length; i++) {
                Map<String, Object> arg = (Map<String, Object>) args.get(i);
                Map<String, Object> type = (Map<String, Object>) arg.get("type");
                if (!matches(type, mine[i])) {
                    problems.add(name + ": argument " + (i + 1) + " (" + arg.get("name") + ") is " + describe(type)
                            + " in the header, " + mine[i].getSimpleName() + " here");
                }
            }
            Map<String, Object> returns = (Map<String, Object>) c.get("returns");
            if (!matches(returns, method.getReturnType())) {
                problems.add(name + ": returns " + describe(returns) + " in the header, "
                        + method.getReturnType().getSimpleName() + " here");
            }
        }
        assertTrue(problems.isEmpty(), "JNA declarations differ from paytoken_ffi.h:\n" + String.join("\n", problems));
    }

    @Test
    void everyHeaderFunctionIsDeclaredOrListed() {
        List<String> missing = new ArrayList<>();
        for (String name : functions.keySet()) {
            if (!DECLARED.containsKey(name) && !NOT_DECLARED.containsKey(name)) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "in paytoken_ffi.h but not declared by the Java package: " + missing
                + "; declare them (NativeLib, AsyncCalls) or add them to NOT_DECLARED with the reason");
        List<String> stale = new ArrayList<>();
        for (String name : NOT_DECLARED.keySet()) {
            if (DECLARED.containsKey(name) || !functions.containsKey(name)) {
                stale.add(name);
            }
        }
        Collections.sort(stale);
        assertTrue(stale.isEmpty(), "NOT_DECLARED lists functions that are declared or not in the header: " + stale);
    }

    /** Whether a Java parameter or return type is right for the header's type shape. */
    @SuppressWarnings("unchecked")
    private static boolean matches(Map<String, Object> c, Class<?> mine) {
        String kind = (String) c.get("kind");
        switch (kind) {
            case "void":
                return mine == void.class;
            case "int":
                long bytes = (Long) c.get("bytes");
                return bytes == 4 ? mine == int.class : bytes == 8 && mine == long.class;
            case "fn":
                if (mine == Pointer.class) {
                    return true; // a NULL callback only
                }
                return Callback.class.isAssignableFrom(mine) && callbackMatches((Map<String, Object>) callbacks.get(c.get("name")), mine);
            case "ptr":
                Map<String, Object> to = (Map<String, Object>) c.get("to");
                String toKind = (String) to.get("kind");
                if (mine == Pointer.class) {
                    return true;
                }
                if (mine == byte[].class || mine == String.class) {
                    return toKind.equals("byte") || (mine == byte[].class && "paytoken_error".equals(to.get("name")));
                }
                if (mine == long[].class) {
                    return toKind.equals("ptr") || (toKind.equals("int") && (Long) to.get("bytes") == 8);
                }
                return false;
            default:
                return false;
        }
    }

    /** A JNA Callback's {@code invoke} against the header's callback typedef. */
    @SuppressWarnings("unchecked")
    private static boolean callbackMatches(Map<String, Object> proto, Class<?> callback) {
        for (Method invoke : callback.getMethods()) {
            if (invoke.getName().equals("invoke") && !invoke.isDefault()) {
                List<Object> args = (List<Object>) proto.get("args");
                Class<?>[] mine = invoke.getParameterTypes();
                if (mine.length != args.size() || !matches((Map<String, Object>) proto.get("returns"), invoke.getReturnType())) {
                    return false;
                }
                for (int i = 0; i < mine.length; i++) {
                    if (!matches((Map<String, Object>) ((Map<String, Object>) args.get(i)).get("type"), mine[i])) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> c) {
        String kind = (String) c.get("kind");
        switch (kind) {
            case "ptr":
                return describe((Map<String, Object>) c.get("to")) + " *";
            case "int":
                return (Boolean.TRUE.equals(c.get("signed")) ? "int" : "uint") + ((Long) c.get("bytes") * 8);
            case "struct":
            case "fn":
                return (String) c.get("name");
            default:
                return kind;
        }
    }
}
