package dev.herald.mail.cli;

import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Stage;
import dev.herald.mail.queue.SpoolOutbox;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue with real processes: the packaged {@code herald} killed with SIGKILL at each stage of a
 * delivery, a full disk while enqueueing, and four worker processes on one spool.
 */
class QueueProcessIT {
  static final String LEASE = "2s";

  @TempDir Path tmp;
  MockSmtpServer server;
  Path conf;
  Path spool;
  final List<Process> started = new ArrayList<>();

  @BeforeEach void start() throws IOException {
    server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
    spool = tmp.resolve("spool");
    conf = config(spool);
  }

  private Path config(Path dir) throws IOException {
    Path c = tmp.resolve("herald-" + dir.getFileName() + ".conf");
    Files.writeString(c, "herald.profile = q\n"
        + "herald.queues.box { type = spool, directory = \"" + dir + "\", lease = " + LEASE + " }\n"
        + "herald.profiles.q { transport = smtp, host = \"127.0.0.1\", port = " + server.port() + ", tls = none,"
        + " from = \"app@example.org\", queue = box, queue-retry { first = 300ms, max-backoff = 1s, max-age = 10m } }\n");
    return c;
  }

  @AfterEach void stop() {
    for (Process p : started) p.destroyForcibly();
    server.close();
  }

  record Run(int code, String out, String err) { }

  private Process launch(Path config, List<String> jvm, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", Path.of(System.getProperty("herald.jar", "target/herald.jar")).toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().remove("HERALD_PROFILE");
    pb.environment().put("HERALD_CONFIG", config.toString());
    pb.environment().put("XDG_CONFIG_HOME", tmp.toString());
    String name = "p" + started.size();
    pb.redirectOutput(tmp.resolve(name + ".out").toFile()).redirectError(tmp.resolve(name + ".err").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(Files.writeString(tmp.resolve(name + ".in"), "").toFile()));
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private Run finish(Process p) throws Exception {
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out");
    }
    String name = "p" + started.indexOf(p);
    return new Run(p.exitValue(), Files.readString(tmp.resolve(name + ".out")), Files.readString(tmp.resolve(name + ".err")));
  }

  private Run herald(Path config, String... args) throws Exception { return finish(launch(config, List.of(), args)); }

  private static List<String> ls(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void await(String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.call()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  /** Enqueues with the CLI, as cron would: exit 0 at once, with the server never asked. */
  private String enqueue(String subject) throws Exception {
    Run r = herald(conf, "send", "--queue", "--to", "bob@example.net", "--subject", subject, "--text", "hello");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("queued "), r.out());
    return r.out().split(" ")[2];
  }

  /** SIGKILLs a worker in the middle of a delivery, then lets a new one take the claim back after the lease. */
  private List<RecordedMessage> killWorkerThenRecover(java.util.concurrent.Callable<Boolean> killWhen) throws Exception {
    // Stored by the library (one process start less per test); the CLI's enqueue has its own tests.
    MessageContent content = Email.builder().from("app@example.org").to("bob@example.net").subject("crash").text("x").build().render();
    SpoolOutbox.open(spool).enqueue(new Envelope("app@example.org", List.of("bob@example.net")), content);
    String messageId = content.messageId().orElseThrow();
    assertEquals(0, server.sessionCount());
    Process worker = launch(conf, List.of(), "queue", "run", "--watch", "--poll", "100ms");
    await("the stage to kill at", killWhen);
    worker.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
    assertEquals(1, ls(spool.resolve("active")).size(), "the claim is left behind");
    server.clearScript();
    // Within the lease the claim stays with the dead worker; after it, a new worker takes it back.
    Thread.sleep(Duration.parse("PT" + LEASE).toMillis() + 500);
    Run r = herald(conf, "queue", "run", "--once");
    assertEquals(0, r.code(), r::toString);
    assertEquals(0, SpoolOutbox.open(spool).stats().total(), r::toString);
    List<RecordedMessage> got = server.messages();
    for (RecordedMessage m : got) assertEquals(messageId, m.header("Message-ID").orElseThrow());
    return got;
  }

  @Test void killedAfterItsClaimNothingIsLostOrDoubled() throws Exception {
    server.script(at(Stage.CONNECT).delay(Duration.ofSeconds(30))); // the greeting never comes while it lives
    assertEquals(1, killWorkerThenRecover(() -> server.sessionCount() >= 1 && ls(spool.resolve("active")).size() == 1).size());
  }

  @Test void killedDuringDataNothingIsLostOrDoubled() throws Exception {
    server.script(at(Stage.DATA).delay(Duration.ofSeconds(30)));
    assertEquals(1, killWorkerThenRecover(() -> server.transcriptText().contains("DATA")).size());
  }

  @Test void killedWhileTheEndOfDataIsUnansweredTheOnlyDuplicateIsTheDocumentedOne() throws Exception {
    // The server takes the message and answers late; the worker dies before it hears the 250.
    server.script(at(Stage.DATA_END).delay(Duration.ofSeconds(2)).once());
    List<RecordedMessage> got = killWorkerThenRecover(() -> server.transcriptText().contains("<data:")
        || server.transcriptText().contains("octets"));
    assertEquals(2, got.size(), "the same message twice: at-least-once after an unanswered end of data");
  }

  @Test void killedAfterThe250BeforeItIsRecordedTheSameMessageIsSentAgain() throws Exception {
    String messageId = enqueue("after 250");
    Process worker = launch(conf, List.of("-Dherald.queue.crash-at=after-send"), "queue", "run", "--once");
    assertEquals(137, finish(worker).code(), "halted at the crash point, as kill -9 would leave it");
    assertEquals(1, server.messageCount());
    assertEquals(1, ls(spool.resolve("active")).size());
    Thread.sleep(Duration.parse("PT" + LEASE).toMillis() + 500);
    Run r = herald(conf, "queue", "run", "--once");
    assertEquals(0, r.code(), r::toString);
    assertEquals(2, server.messageCount(), "the documented duplicate");
    for (RecordedMessage m : server.messages()) assertEquals(messageId, m.header("Message-ID").orElseThrow());
    assertEquals(0, SpoolOutbox.open(spool).stats().total());
  }

  @Test void sigtermLetsTheWorkerFinishTheMessageInHand() throws Exception {
    MessageContent content = Email.builder().from("app@example.org").to("bob@example.net").subject("in hand").text("x").build().render();
    SpoolOutbox.open(spool).enqueue(new Envelope("app@example.org", List.of("bob@example.net")), content);
    server.script(at(Stage.DATA_END).delay(Duration.ofSeconds(2)).once());
    Process worker = launch(conf, List.of(), "queue", "run", "--watch", "--poll", "100ms");
    await("the end of data", () -> server.transcriptText().contains("octets"));
    worker.destroy(); // SIGTERM, as systemd stops a service
    Run r = finish(worker);
    assertEquals(143, r.code(), r::toString);
    assertEquals(1, server.messageCount());
    assertEquals(0, SpoolOutbox.open(spool).stats().total(), "recorded as delivered before the process ended");
    assertTrue(r.out().contains(content.messageId().orElseThrow() + ": delivered to 1 recipient(s)"), r::toString);
  }

  @Test void aFullDiskIsExit74AndLeavesNothingHalfWritten() throws Exception {
    Path small = tmp.resolve("small");
    Files.createDirectories(small);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
        .redirectErrorStream(true).start();
    boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs here (needs root): "
        + new String(mount.getInputStream().readAllBytes()).strip());
    try {
      Path full = small.resolve("spool");
      Path c = config(full);
      Path big = tmp.resolve("big.bin");
      Files.write(big, new byte[200_000]);
      Run r = herald(c, "send", "--queue", "--to", "bob@example.net", "--subject", "too big", "--text", "x", "--attach", big.toString());
      assertEquals(74, r.code(), r::toString);
      assertTrue(r.err().startsWith("herald: cannot store the message in queue box"), r.err());
      assertTrue(r.err().contains("No space left on device"), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
      assertEquals(List.of(), ls(full.resolve("queued")));
      assertEquals(List.of(), ls(full.resolve("tmp")), "nothing half-written left");
      // The next message that fits is stored and delivered: the failure left nothing in the way.
      assertEquals(0, herald(c, "send", "--queue", "--to", "bob@example.net", "--subject", "fits", "--text", "x").code());
      assertEquals(0, herald(c, "queue", "run", "--once").code());
      assertEquals("fits", server.takeMessage(Duration.ofSeconds(5)).subject());
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * {@code -Dherald.queue.messages=10000} for the count; 1,000 by default keeps the suite quick
   * (four JVMs on two cores; the in-process test with threads drains 2,000).
   */
  @Test void fourWorkerProcessesDeliverEachMessageExactlyOnce() throws Exception {
    int n = Integer.getInteger("herald.queue.messages", 1000);
    SpoolOutbox box = SpoolOutbox.open(spool);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    IntStream.range(0, n).parallel().forEach(i -> {
      MessageContent c = Email.builder().from("app@example.org").to("bob@example.net").subject("m" + i).text("x").build().render();
      ids.add(c.messageId().orElseThrow());
      box.enqueue(new Envelope("app@example.org", List.of("bob@example.net")), c);
    });
    List<Process> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) workers.add(launch(conf, List.of(), "queue", "run", "--once", "-q"));
    long t0 = System.nanoTime();
    for (Process w : workers) assertEquals(0, finish(w).code());
    System.out.printf("4 worker processes drained %d messages in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
    assertEquals(0, box.stats().total());
    Map<String, Integer> count = new HashMap<>();
    for (RecordedMessage m : server.messages()) count.merge(m.header("Message-ID").orElseThrow(), 1, Integer::sum);
    assertEquals(ids, count.keySet());
    assertTrue(count.values().stream().allMatch(c -> c == 1), "a message delivered twice");
  }
}
