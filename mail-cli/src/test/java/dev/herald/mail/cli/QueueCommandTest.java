package dev.herald.mail.cli;

import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Stage;
import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's queue walk-through, in-process, against MockSmtpServer. */
class QueueCommandTest {
  @TempDir Path home;
  MockSmtpServer server;
  CliRunner cli;
  Path spool;

  @BeforeEach void setUp() throws Exception {
    server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
    spool = home.resolve("spool");
    Path conf = home.resolve("herald.conf");
    Files.writeString(conf, "herald {\n"
        + "  queues { shared { type = spool, directory = \"" + spool + "\", lease = 5m } }\n"
        + "  profiles.laptop { transport = smtp, host = \"127.0.0.1\", port = " + server.port() + ", tls = none,"
        + " from = \"me@example.org\", queue = shared,\n"
        + "    queue-retry { first = 5m, max-backoff = 1h, max-age = 5d } }\n"
        + "  profiles.direct { transport = smtp, host = \"127.0.0.1\", port = " + server.port() + ", tls = none }\n"
        + "}\n");
    cli = new CliRunner(home).env("HERALD_CONFIG", conf.toString());
  }

  @AfterEach void tearDown() { server.close(); }

  private static String firstId(CliRunner.Result list) { return list.out().lines().findFirst().orElseThrow().split(" ")[0]; }

  @Test void theReadmeWalkThrough() throws Exception {
    CliRunner.Result r = cli.run("send", "--queue", "--profile", "laptop", "--to", "me@example.org", "--subject", "backup",
        "--text", "log");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().matches("queued \\S+ <[^>]+> in shared \\(spool .*\\); 'herald queue run --profile laptop' delivers it\\R"), r.out());
    r = cli.stdin("To: me@example.org\nSubject: cron\n\nbody\n").run("sendmail", "-t", "--profile", "laptop");
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.out(), "silent, as sendmail is");
    assertEquals(0, server.messageCount(), "queued, not sent");

    server.script(at(Stage.DATA_END).reply(451, "4.3.0 try later"));
    r = cli.terminal().run("queue", "run", "--profile", "laptop", "--once");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains(": deferred: ") && r.out().endsWith("2 attempt(s); left: 0 queued, 2 deferred, 0 failed\n"), r.out());

    CliRunner.Result list = cli.run("queue", "list", "--profile", "laptop");
    assertEquals(2, list.out().lines().count(), list::toString);
    assertTrue(list.out().lines().allMatch(l -> l.matches("\\S+  deferred  attempts 1  next in \\d+m\\S*  me@example.org  .*451 4\\.3\\.0.*")),
        list.out());
    String id = firstId(list);
    r = cli.run("queue", "show", "--profile", "laptop", id);
    assertTrue(r.out().contains("state:       deferred") && r.out().contains("attempt 1: deferred:"), r.out());
    r = cli.run("queue", "stats", "--profile", "laptop");
    assertTrue(r.out().startsWith("queued 0, deferred 2, active 0, failed 0; oldest queued "), r.out());

    server.clearScript();
    assertEquals(0, cli.run("queue", "run", "--profile", "laptop", "--once").code());
    assertEquals(0, server.messageCount(), "not due yet: the first retry is 5 minutes away");
    r = cli.run("queue", "flush", "--profile", "laptop");
    assertEquals("2 deferred message(s) made due now\n", r.out());
    r = cli.run("queue", "run", "--profile", "laptop", "--once");
    assertTrue(r.out().contains("delivered to 1 recipient(s)"), r.out());
    assertEquals(2, server.messageCount());
    RecordedMessage first = server.takeMessage(Duration.ofSeconds(1));
    assertEquals("backup", first.subject());
    assertEquals("the queue is empty (shared (spool " + spool + "))\n", cli.run("queue", "list", "--profile", "laptop").out());
  }

  @Test void failedMessagesAreKeptUntilRetriedOrRemoved() {
    server.script(at(Stage.RCPT).reply(550, "5.1.1 no such user"));
    assertEquals(0, cli.run("send", "--queue", "--profile", "laptop", "--to", "ghost@example.org", "--subject", "s", "--text", "t").code());
    assertEquals(0, cli.run("queue", "run", "--profile", "laptop", "--once").code());
    CliRunner.Result list = cli.run("queue", "list", "--profile", "laptop");
    assertTrue(list.out().matches("\\S+  failed  attempts 1  failed  ghost@example.org  .*550 5\\.1\\.1.*\\R"), list.out());
    String id = firstId(list);
    assertEquals(id + " is due now\n", cli.run("queue", "retry", "--profile", "laptop", id).out());
    assertEquals(0, cli.run("queue", "run", "--profile", "laptop", "--once").code());
    assertEquals("1 message(s) made due now\n", cli.run("queue", "retry", "--profile", "laptop", "--all").out());
    assertEquals("removed " + id + "\n", cli.run("queue", "remove", "--profile", "laptop", id).out());
    CliRunner.Result gone = cli.run("queue", "show", "--profile", "laptop", id);
    assertEquals(66, gone.code());
    assertTrue(gone.err().startsWith("herald: no message " + id + " in shared"), gone.err());
  }

  @Test void aProfileWithoutAQueueOrAnUnknownStoreIsAConfigError() throws Exception {
    CliRunner.Result r = cli.run("send", "--queue", "--profile", "direct", "--to", "a@example.org", "--subject", "s", "--text", "t");
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().startsWith("herald: profile 'direct' has no queue: add queue = local to it"), r.err());
    assertEquals(0, server.messageCount());
    r = cli.run("queue", "list", "--queue", "nope", "--profile", "laptop");
    assertEquals(78, r.code());
    assertTrue(r.err().startsWith("herald: unknown queue 'nope'; known queues (herald.queues): local, shared"), r.err());
    r = cli.run("send", "--queue", "--profile", "laptop", "--set", "herald.queues.shared.directry=x", "--to", "a@example.org",
        "--subject", "s", "--text", "t");
    assertEquals(78, r.code());
    assertTrue(r.err().contains("unknown key 'directry' in herald.queues.shared") && r.err().contains("directory, lease, type"), r.err());
    r = cli.run("queue", "run", "--profile", "laptop", "--set", "queue-retry.firts=1s");
    assertEquals(78, r.code());
    assertTrue(r.err().contains("unknown key 'firts' in queue-retry"), r.err());
  }

  @Test void anIdThatIsAPathIsAUsageErrorNotABug() throws Exception {
    Files.createDirectories(spool.resolve("x"));
    for (String cmd : new String[] {"show", "retry", "remove"}) {
      CliRunner.Result r = cli.run("queue", cmd, "--profile", "laptop", "../../x");
      assertEquals(64, r.code(), r::toString);
      assertTrue(r.err().startsWith("herald: not a queue id: '../../x'; 'herald queue list' shows the ids\nherald: hint: "), r.err());
      assertEquals(2, r.err().lines().count(), r.err());
    }
    assertTrue(Files.isDirectory(spool.resolve("x")));
  }

  @Test void aServersControlCharactersNeverReachTheTerminal() {
    server.script(at(Stage.RCPT).reply(550, "5.1.1 \u001b]0;pwned\u0007\u001b[2Jno such user"));
    assertEquals(0, cli.run("send", "--queue", "--profile", "laptop", "--to", "ghost@example.org", "--subject", "s", "--text", "t").code());
    CliRunner.Result run = cli.run("queue", "run", "--profile", "laptop", "--once");
    CliRunner.Result list = cli.run("queue", "list", "--profile", "laptop");
    CliRunner.Result show = cli.run("queue", "show", "--profile", "laptop", firstId(list));
    for (CliRunner.Result r : List.of(run, list, show)) {
      assertEquals(0, r.code(), r::toString);
      assertTrue(r.out().contains("no such user"), r.out());
      assertTrue(r.out().chars().noneMatch(c -> c == 0x1b || c == 0x07), r.out());
    }
  }

  @Test void queueAloneShowsWhatItNeeds() {
    CliRunner.Result r = cli.run("queue");
    assertEquals(64, r.code());
    assertTrue(r.err().startsWith("herald: queue needs a command: list, show, stats, flush, retry, remove or run"), r.err());
  }
}
