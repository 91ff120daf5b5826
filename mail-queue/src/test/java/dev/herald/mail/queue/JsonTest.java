package dev.herald.mail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herald.mail.queue.internal.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test void writesAndReadsBackWhatMetaJsonHolds() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", "20261204-153409-752-9e2f31");
    m.put("text", "quote \" backslash \\ newline \n tab \t control \u0001 line sep \u2028 ünïcødé 📬");
    m.put("n", 42L);
    m.put("big", 1L << 40);
    m.put("yes", true);
    m.put("none", null);
    m.put("list", List.of("a", "b"));
    m.put("empty", List.of());
    m.put("objects", List.of(Map.of("recipient", "x@example.net")));
    String json = Json.write(m);
    assertEquals(m, Json.parse(json));
    assertEquals(Arrays.asList(1L, 2.5, "x", null, false), Json.parse(" [1, 2.5, \"x\", null, false] "));
    assertEquals("é/", Json.parse("\"\\u00e9\\/\""));
  }

  @Test void refusesWhatIsNotJson() {
    for (String bad : List.of("", "{", "{\"a\" 1}", "[1 2]", "\"open", "{} x", "nul", "{\"a\":}")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }
}
