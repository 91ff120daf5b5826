package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.Servers;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald batch --send} as a real child process, stopped half-way (SIGINT, and kill -9) and run
 * again: every row arrives at the server, counted by Message-ID.
 */
class BatchProcessIT {
  static final int ROWS = 300;
  @TempDir Path tmp;
  MockSmtpServer server;
  Path conf;
  Path template;
  Path data;

  @BeforeEach void setUp() throws Exception {
    server = MockSmtpServer.builder().tls(TlsMode.NONE).user("me", "pw").build().start();
    conf = Servers.config(tmp, "mock", server, Map.of("max-connections", 2));
    template = tmp.resolve("t.txt");
    Files.writeString(template, "To: {{name}} <{{email}}>\nSubject: Row {{id}} for {{name}}\nX-Row: {{id}}\n\nHello {{name}}\n");
    StringBuilder b = new StringBuilder("id,email,name\n");
    for (int i = 1; i <= ROWS; i++) b.append(i).append(",user").append(i).append("@example.net,\"Ünal, Zoë ").append(i).append("\"\n");
    data = tmp.resolve("rows.csv");
    Files.writeString(data, b, StandardCharsets.UTF_8);
  }

  private final List<Process> started = new ArrayList<>();

  @AfterEach void tearDown() {
    for (Process p : started) p.destroyForcibly(); // a failed assertion must not leave a batch running
    server.close();
  }

  private Process start(String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Path.of(System.getProperty("herald.jar", "target/herald.jar")).toString(), "batch", template.toString(), data.toString(),
        "--send", "--progress", "lines"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().remove("HERALD_PROFILE");
    pb.environment().put("HERALD_CONFIG", conf.toString());
    pb.environment().put("XDG_CONFIG_HOME", tmp.toString());
    pb.environment().put("XDG_DATA_HOME", tmp.resolve("data").toString());
    pb.redirectOutput(tmp.resolve("out-" + System.nanoTime() + ".txt").toFile()).redirectErrorStream(true);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private void awaitMessages(int n, Process p) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (server.messages().size() < n) {
      if (!p.isAlive()) throw new AssertionError("the batch ended before " + n + " messages, exit " + p.exitValue());
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + n + " messages");
      Thread.sleep(10);
    }
  }

  private Map<Integer, Integer> countsByRow() {
    Map<Integer, Integer> byRow = new TreeMap<>();
    for (RecordedMessage m : server.messages()) {
      int row = Integer.parseInt(m.header("X-Row").orElseThrow());
      String id = m.header("Message-ID").orElseThrow();
      assertTrue(id.matches("<[0-9a-f]{12}\\." + row + "\\.batch@example\\.org>"), id);
      assertEquals(List.of("user" + row + "@example.net"), m.envelope().recipients());
      byRow.merge(row, 1, Integer::sum);
    }
    return byRow;
  }

  private int finish(Process p) throws InterruptedException {
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the batch did not finish");
    }
    return p.exitValue();
  }

  @Test void interruptedWithSigintThenRunAgainEveryRowArrivesExactlyOnce() throws Exception {
    Process first = start("--rate", "60/s");
    awaitMessages(60, first);
    new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).start().waitFor();
    assertEquals(130, finish(first), "exit status after SIGINT");
    int afterFirst = server.messages().size();
    assertTrue(afterFirst < ROWS, "stopped half-way: " + afterFirst);
    Process second = start();
    assertEquals(0, finish(second));
    Map<Integer, Integer> byRow = countsByRow();
    assertEquals(ROWS, byRow.size());
    assertTrue(byRow.values().stream().allMatch(n -> n == 1), "each row exactly once: " + byRow);
  }

  @Test void killedWithSigkillThenRunAgainEveryRowArrivesAndAtMostTheMessagesInFlightTwice() throws Exception {
    Process first = start("--rate", "60/s");
    awaitMessages(60, first);
    first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
    first.waitFor(10, TimeUnit.SECONDS);
    assertTrue(server.messages().size() < ROWS);
    Process second = start();
    assertEquals(0, finish(second));
    Map<Integer, Integer> byRow = countsByRow();
    assertEquals(ROWS, byRow.size(), "every row arrived");
    long twice = byRow.values().stream().filter(n -> n > 1).count();
    assertTrue(byRow.values().stream().allMatch(n -> n <= 2), byRow.toString());
    // Only a message the server accepted before the kill but the queue had not recorded: one per connection.
    assertTrue(twice <= 2, "duplicates: " + twice);
  }
}
