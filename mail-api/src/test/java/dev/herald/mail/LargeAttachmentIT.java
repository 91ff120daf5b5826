package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.testing.LargeAttachmentMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rendering streams attachments: a 50 MiB attachment is sent and decoded back in a JVM whose
 * whole heap is 64 MiB, which would fail with OutOfMemoryError if the message were held in memory.
 */
class LargeAttachmentIT {

  @Test void fiftyMebibyteAttachmentWithSixtyFourMebibyteHeap(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        LargeAttachmentMain.class.getName(), dir.toString(), "50")
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished in time");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.startsWith("ok "), output);
  }
}
