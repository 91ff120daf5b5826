package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a run sees of the world: here, its warnings. */
class CliContextTest {
  @Test void eachWarningPrintsOncePerRun() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), err, Map.of(),
        false, CliContext::discoverOnce);
    ctx.warn("password is inline");   // e.g. once per credential lookup, and a pool looks up per connection
    ctx.warn("password is inline");
    ctx.warn("another");
    assertEquals("herald: warning: password is inline\nherald: warning: another\n",
        err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
  }
}
