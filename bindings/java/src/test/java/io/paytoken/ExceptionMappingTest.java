package io.paytoken;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each C ABI status becomes its own checked exception type carrying the error struct's fields. */
class ExceptionMappingTest {
    @Test
    void everyStatusHasItsOwnType() {
        Class<?>[] expected = {null, InvalidArgumentException.class, AuthException.class,
            GatewayException.class, NetworkException.class, PayTokenTimeoutException.class,
            TlsException.class, InternalException.class};
        for (int status = 1; status <= 7; status++) {
            PayTokenException e = PayTokenException.of(status, 401, "U104", "msg");
            assertSame(expected[status], e.getClass());
            assertEquals(status, e.getCode().value());
            assertEquals(401, e.getHttpStatus());
            assertEquals("U104", e.getGatewayCode());
            assertEquals("msg", e.getMessage());
        }
    }

    @Test
    void anUnknownStatusStaysAPayTokenException() {
        PayTokenException e = PayTokenException.of(42, 0, "", "new kind");
        assertSame(PayTokenException.class, e.getClass());
        assertEquals(ErrorCode.UNKNOWN, e.getCode());
        assertEquals("", e.getGatewayCode());
        assertTrue(e.getMessage().contains("42"));
    }

    @Test
    void exceptionsAreChecked() {
        assertTrue(Exception.class.isAssignableFrom(PayTokenException.class));
        assertTrue(!RuntimeException.class.isAssignableFrom(PayTokenException.class));
    }
}
