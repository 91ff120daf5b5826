package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.Servers;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar in a real terminal: bin/herald runs {@code herald batch --send} in a tmux pane, and the
 * captured screen shows one bar line redrawn in place (not a scroll of lines), then the table. Needs tmux
 * ({@code .ci/run} installs it).
 */
class BatchTerminalIT {
  static final Path ROOT = Path.of(System.getProperty("herald.home", "..")).toAbsolutePath().normalize();
  @TempDir Path tmp;
  private final String session = "herald-batch-" + ProcessHandle.current().pid();

  @AfterEach void kill() throws Exception {
    new ProcessBuilder("tmux", "kill-session", "-t", session).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
  }

  private static boolean tmux() {
    try {
      return new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private String capture() throws Exception {
    Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", session).start();
    String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return s;
  }

  @Test void theBarIsRedrawnInPlaceOnATerminal() throws Exception {
    Assumptions.assumeTrue(tmux(), "tmux is not installed (apt-get install tmux; .ci/run installs it)");
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.NONE).user("me", "pw").build().start()) {
      Path conf = Servers.config(tmp, "mock", server, Map.of());
      Files.writeString(tmp.resolve("t.txt"), "To: {{email}}\nSubject: Row {{id}}\n\nHello\n");
      StringBuilder b = new StringBuilder("id,email\n");
      for (int i = 1; i <= 120; i++) b.append(i).append(",u").append(i).append("@example.net\n");
      Files.writeString(tmp.resolve("rows.csv"), b);
      String cmd = "cd " + tmp + " && HERALD_NO_BUILD=1 HERALD_CONFIG=" + conf + " XDG_CONFIG_HOME=" + tmp + " XDG_DATA_HOME=" + tmp
          + "/data " + ROOT.resolve("bin/herald") + " batch t.txt rows.csv --send --rate 30/s; echo EXIT=$?; sleep 60";
      Process p = new ProcessBuilder("tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "30", "bash", "-c", cmd)
          .redirectErrorStream(true).start();
      assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      String midway = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      String screen = "";
      while (System.nanoTime() < end) {
        screen = capture();
        if (midway == null && screen.matches("(?s).*\\[#+-+\\] \\d+/120  sent \\d+  failed 0  left \\d+  [0-9.]+/s  0:\\d\\d left.*")) {
          midway = screen;
        }
        if (screen.contains("EXIT=")) break;
        Thread.sleep(100);
      }
      assertTrue(midway != null, "a bar half-way was seen:\n" + screen);
      List<String> bars = midway.lines().filter(l -> l.startsWith("[")).toList();
      assertEquals(1, bars.size(), "one bar line, redrawn in place:\n" + midway);
      assertTrue(screen.contains("EXIT=0"), screen);
      List<String> finalBars = screen.lines().filter(l -> l.startsWith("[")).toList();
      assertEquals(List.of("[########################] 120/120  sent 120  failed 0  left 0"), finalBars.stream()
          .map(l -> l.replaceAll("  [0-9.]+/s.*", "").strip()).toList(), screen);
      assertTrue(screen.contains("  sent         120"), screen);
      Files.writeString(tmp.resolve("screen.txt"), screen);
    }
  }
}
