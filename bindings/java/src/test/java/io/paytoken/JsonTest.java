package io.paytoken;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The wrapper's tiny JSON reader/writer: what it builds must round-trip exactly. */
class JsonTest {
    @Test
    void quotesEveryCharacterThatNeedsIt() {
        String tricky = "a\"b\\c\nd\re\tf\u0001g 한글 \uD83D\uDE00 /";
        StringBuilder json = new StringBuilder();
        Json.quote(json, tricky);
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g 한글 \uD83D\uDE00 /\"", json.toString());
        assertEquals(tricky, Json.parse(json.toString()));
    }

    @Test
    void parsesTheShapesTheLibraryReturns() {
        Map<String, Object> stats = Json.parseObject(
                " {\"tokenFetches\": 1, \"cacheHits\":12345678901, \"ratio\": 0.5, \"ok\": true,"
                        + " \"none\": null, \"nested\": {\"list\": [1, \"x\", []]}, \"esc\": \"\\u00e9\\/\"} ");
        assertEquals(1L, stats.get("tokenFetches"));
        assertEquals(12345678901L, stats.get("cacheHits"));
        assertEquals(new BigDecimal("0.5"), stats.get("ratio"));
        assertEquals(Boolean.TRUE, stats.get("ok"));
        assertEquals(null, stats.get("none"));
        assertEquals(Arrays.asList(1L, "x", Arrays.asList()), ((Map<?, ?>) stats.get("nested")).get("list"));
        assertEquals("é/", stats.get("esc"));
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "{\"a\":1,}", "[1] x", "\"open", "{\"a\":tru}", "-"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }
}
