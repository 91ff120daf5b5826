package dev.herald.mail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Stage;
import dev.herald.mail.queue.QueuedMessage.State;
import dev.herald.mail.testkit.Fault;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The jdbc store against a real PostgreSQL (Debian's server, started privately: {@link PostgresCluster}). */
class JdbcOutboxIT {
  static PostgresCluster pg;
  MockSmtpServer server;
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll static void startPostgres() {
    pg = PostgresCluster.start().orElse(null);
    Assumptions.assumeTrue(pg != null, PostgresCluster.unavailable);
  }

  @AfterAll static void stopPostgres() throws Exception {
    if (pg != null) pg.close();
  }

  @BeforeEach void setUp() throws Exception {
    server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS herald_outbox");
      s.execute("DROP TABLE IF EXISTS orders");
      s.execute("CREATE TABLE orders (id serial PRIMARY KEY, item text)");
    }
  }

  @AfterEach void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    server.close();
  }

  private <T extends AutoCloseable> T closing(T t) { closing.add(t); return t; }

  private Mailer mailer() { return closing(Mailer.fromProfile(server.profile())); }

  private static MessageContent message(String subject) {
    return Email.builder().from("shop@example.org").to("buyer@example.net").subject(subject).text("thanks").build().render();
  }

  private static final Envelope ENVELOPE = new Envelope("shop@example.org", List.of("buyer@example.net"));

  @Test void enqueuedInTheCallersTransactionOrNotAtAll() throws Exception {
    // As the README shows it: the profile names a jdbc store; the application passes its connection.
    com.typesafe.config.Config config = com.typesafe.config.ConfigFactory.parseString(
        "herald.queues.db { type = jdbc, url = \"" + pg.url() + "\", username = postgres }")
        .withValue("herald.profiles.shop", server.profile().withFallback(com.typesafe.config.ConfigFactory.parseString(
            "queue = db, from = \"shop@example.org\"")).root());
    Mailer mailer = closing(dev.herald.mail.MailerFactory.of(dev.herald.mail.Providers.discover(),
        dev.herald.mail.HeraldConfig.of(config)).create("shop", dev.herald.mail.spi.TraceListener.NONE, w -> { }));
    JdbcOutbox outbox = (JdbcOutbox) mailer.queue().orElseThrow();
    assertTrue(outbox.describe().startsWith("db (jdbc jdbc:postgresql://127.0.0.1:"), outbox.describe());
    outbox.stats(); // the table exists from here on
    try (Connection c = pg.connect()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO orders (item) VALUES ('rolled back')");
      }
      outbox.enqueue(c, ENVELOPE, message("order 1"));
      c.rollback();
      assertEquals(0, outbox.stats().total(), "rolled back with the order");

      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO orders (item) VALUES ('committed')");
      }
      String id = outbox.enqueue(c, mailer, Email.builder().to("buyer@example.net").subject("order 2").text("thanks").build());
      assertEquals(0, outbox.stats().total(), "not visible before the commit");
      c.commit();
      QueuedMessage queued = outbox.find(id).orElseThrow();
      assertEquals(State.QUEUED, queued.state());
      assertEquals("shop@example.org", queued.sender(), "the profile's from");
      List<Outcome> outcomes = new CopyOnWriteArrayList<>();
      assertEquals(1, OutboxWorker.builder(outbox, mailer).listener((q, o) -> outcomes.add(o)).build().runOnce());
      RecordedMessage got = server.takeMessage(Duration.ofSeconds(5));
      assertEquals(queued.messageId(), got.header("Message-ID").orElseThrow());
      assertEquals("order 2", got.subject());
      assertEquals(0, outbox.stats().total());
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
    }
  }

  @Test void transientThenPermanentKeepsTheHistoryAndRetryWorks() throws Exception {
    JdbcOutbox outbox = closing(pg.outbox(Duration.ofMinutes(5)));
    server.script(Fault.at(Stage.DATA_END).reply(451, "4.3.0 later").once(), Fault.at(Stage.DATA_END).reply(554, "5.6.0 no").once());
    String id = outbox.enqueue(ENVELOPE, message("x"));
    RetrySchedule fast = new RetrySchedule(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMinutes(1), 0);
    OutboxWorker.builder(outbox, mailer()).schedule(fast).build().runOnce();
    QueuedMessage m = outbox.find(id).orElseThrow();
    assertEquals(State.DEFERRED, m.state());
    assertTrue(m.lastError().contains("451"), m.lastError());
    Thread.sleep(250);
    OutboxWorker.builder(outbox, mailer()).schedule(fast).build().runOnce();
    m = outbox.find(id).orElseThrow();
    assertEquals(State.FAILED, m.state());
    assertEquals(2, m.attempts());
    assertEquals(3, m.history().size());
    assertTrue(m.failed().get("buyer@example.net").contains("554"), m.failed().toString());
    assertTrue(outbox.retry(id));
    OutboxWorker.builder(outbox, mailer()).schedule(fast).build().runOnce();
    assertEquals(0, outbox.stats().total());
    assertEquals(1, server.messageCount());
  }

  @Test void aLapsedLeaseIsTakenByAnotherWorkerAndTheLateRecordIsRefused() throws Exception {
    JdbcOutbox dead = closing(pg.outbox(Duration.ofMillis(500)));
    JdbcOutbox alive = closing(pg.outbox(Duration.ofMillis(500)));
    String id = dead.enqueue(ENVELOPE, message("lease"));
    Outbox.Claim lost = dead.claim().orElseThrow();
    assertTrue(alive.claim().isEmpty(), "held by the other worker");
    Thread.sleep(700);
    Outbox.Claim taken = alive.claim().orElseThrow();
    assertEquals(id, taken.message().id());
    assertThrows(LocalIoException.class, () -> dead.record(lost, new Outcome(List.of("buyer@example.net"), List.of(), Map.of(), null, null, "ok")));
    alive.record(taken, new Outcome(List.of("buyer@example.net"), List.of(), Map.of(), null, null, "ok"));
    assertEquals(0, alive.stats().total());
  }

  /** {@code -Dherald.queue.messages=10000} for the count. */
  @Test void fourWorkersOnOneDatabaseDeliverEachMessageExactlyOnce() throws Exception {
    int n = Integer.getInteger("herald.queue.messages", 2000);
    JdbcOutbox writer = closing(pg.outbox(Duration.ofMinutes(5)));
    Set<String> ids = ConcurrentHashMap.newKeySet();
    writer.stats();
    IntStream.range(0, n).parallel().forEach(i -> {
      MessageContent c = message("m" + i);
      ids.add(c.messageId().orElseThrow());
      writer.enqueue(ENVELOPE, c);
    });
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      JdbcOutbox own = closing(pg.outbox(Duration.ofMinutes(5))); // four workers, each with its lease and connections
      Mailer mailer = mailer();
      Thread t = new Thread(() -> {
        try {
          OutboxWorker.builder(own, mailer).build().runOnce();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) t.join();
    assertEquals(0, writer.stats().total());
    Map<String, Integer> count = new HashMap<>();
    for (RecordedMessage m : server.messages()) count.merge(m.header("Message-ID").orElseThrow(), 1, Integer::sum);
    assertEquals(ids, count.keySet());
    assertTrue(count.values().stream().allMatch(c -> c == 1), "a message delivered twice");
  }
}
