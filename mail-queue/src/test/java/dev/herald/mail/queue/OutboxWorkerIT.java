package dev.herald.mail.queue;

import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Email;
import dev.herald.mail.Mailer;
import dev.herald.mail.Stage;
import dev.herald.mail.queue.QueuedMessage.State;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker against a real SMTP peer (MockSmtpServer on loopback), on a short test schedule. */
class OutboxWorkerIT {
  /** 200 ms, doubling to 800 ms; a message fails 1 minute after it was queued. */
  static final RetrySchedule FAST = new RetrySchedule(Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofMinutes(1), 0.2);

  @TempDir Path dir;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
  }

  private <T extends AutoCloseable> T closing(T t) { closing.add(t); return t; }

  private MockSmtpServer server() { return closing(MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start()); }

  private SpoolOutbox spool() { return SpoolOutbox.open("test", dir, Duration.ofSeconds(30), Clock.systemUTC()); }

  private Mailer mailer(MockSmtpServer server) { return closing(Mailer.fromProfile(server.profile())); }

  private OutboxWorker worker(Outbox outbox, Mailer mailer, int threads, List<Outcome> outcomes) {
    return closing(OutboxWorker.builder(outbox, mailer).schedule(FAST).threads(threads).pollInterval(Duration.ofMillis(50))
        .listener((m, o) -> outcomes.add(o)).build());
  }

  private static Email email(String subject, String... to) {
    Email.Builder b = Email.builder().from("app@example.org").subject(subject).text("hello " + subject);
    for (String t : to) b.to(t);
    return b.build();
  }

  private static void await(String what, Duration limit, java.util.function.BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  @Test void aRecordingThatFailsAfterTheSendIsTriedAgainAndTheMessageIsSentOnce() throws Exception {
    MockSmtpServer server = server();
    SpoolOutbox spool = spool();
    String id = spool.enqueue(new dev.herald.mail.Envelope("app@example.org", List.of("bob@example.net")),
        email("recorded late", "bob@example.net").render());
    java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    Outbox flaky = (Outbox) java.lang.reflect.Proxy.newProxyInstance(Outbox.class.getClassLoader(), new Class<?>[] {Outbox.class},
        (proxy, method, args) -> {
          if (method.getName().equals("record") && failures.getAndIncrement() < 2) {
            throw new dev.herald.mail.LocalIoException("cannot record the attempt on " + id + ": Input/output error");
          }
          try {
            return method.invoke(spool, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    worker(flaky, mailer(server), 1, outcomes).start();
    await("the delivery to be recorded", Duration.ofSeconds(10), () -> outcomes.size() == 1);
    assertTrue(outcomes.get(0).done(), outcomes.get(0).summary());
    assertEquals(3, failures.get(), "two failed recordings, then one that held");
    assertEquals(0, spool.stats().total(), "recorded as delivered, not left claimed");
    Thread.sleep(300);
    assertEquals(1, server.messageCount(), "sent once");
  }

  @Test void aTransientFailureIsRetriedOnTheScheduleAndTheSameMessageArrives() throws Exception {
    MockSmtpServer server = server();
    server.script(at(Stage.DATA_END).reply(451, "4.3.0 try again later").once());
    SpoolOutbox spool = spool();
    Mailer mailer = Mailer.builder().transport(mailer(server).transport()).queue(spool).build();
    String id = mailer.enqueue(email("greylisted", "bob@example.net"));
    String messageId = spool.find(id).orElseThrow().messageId();
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    Instant start = Instant.now();
    worker(spool, mailer, 1, outcomes).start();
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(10));
    assertEquals(messageId, m.header("Message-ID").orElseThrow());
    await("the delivery to be recorded", Duration.ofSeconds(5), () -> outcomes.size() == 2);
    assertEquals(0, spool.stats().total());
    assertTrue(outcomes.get(0).summary().startsWith("deferred: "), outcomes.get(0).summary());
    assertTrue(outcomes.get(0).error().contains("451"), outcomes.get(0).error());
    assertTrue(outcomes.get(1).done());
    assertTrue(Duration.between(start, Instant.now()).toMillis() >= 160, "waited for the backoff");
    assertEquals(1, server.messageCount());
  }

  @Test void aPermanentFailureStopsAtOnceAndIsKeptWithItsHistory() throws Exception {
    MockSmtpServer server = server();
    server.script(at(Stage.DATA_END).reply(554, "5.6.0 content rejected"));
    SpoolOutbox spool = spool();
    String id = spool.enqueue(new dev.herald.mail.Envelope("app@example.org", List.of("bob@example.net")),
        email("spammy", "bob@example.net").render());
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    assertEquals(1, worker(spool, mailer(server), 1, outcomes).runOnce());
    QueuedMessage m = spool.find(id).orElseThrow();
    assertEquals(State.FAILED, m.state());
    assertEquals(1, m.attempts());
    assertTrue(m.failed().get("bob@example.net").contains("554"), m.failed().toString());
    assertTrue(m.history().get(1).contains("failed permanently") && m.history().get(1).contains("5.6.0"), m.history().toString());
    assertEquals(0, worker(spool, mailer(server), 1, outcomes).runOnce(), "a failed message is not sent again by itself");
  }

  @Test void aPartialDeliveryRetriesOnlyTheRecipientsRefusedForNow() throws Exception {
    MockSmtpServer server = server();
    server.script(at(Stage.RCPT).forRecipient("busy@example.net").reply(450, "4.2.1 mailbox busy").once(),
        at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 no such user"));
    SpoolOutbox spool = spool();
    Mailer mailer = Mailer.builder().transport(mailer(server).transport()).queue(spool).build();
    String id = mailer.enqueue(email("partial", "ok@example.net", "busy@example.net", "ghost@example.net"));
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    worker(spool, mailer, 1, outcomes).start();
    List<RecordedMessage> got = server.takeMessages(2, Duration.ofSeconds(10));
    assertEquals(List.of("ok@example.net"), got.get(0).envelope().recipients());
    assertEquals(List.of("busy@example.net"), got.get(1).envelope().recipients());
    assertEquals(got.get(0).header("Message-ID"), got.get(1).header("Message-ID"));
    await("the second attempt to be recorded", Duration.ofSeconds(5), () -> outcomes.size() == 2);
    QueuedMessage m = spool.find(id).orElseThrow();
    assertEquals(State.FAILED, m.state(), "kept: one recipient failed for good");
    assertEquals(List.of("ok@example.net", "busy@example.net"), m.delivered());
    assertEquals(Set.of("ghost@example.net"), m.failed().keySet());
    assertTrue(m.failed().get("ghost@example.net").startsWith("550 5.1.1"), m.failed().toString());
    assertEquals(List.of(), m.pending());
  }

  @Test void anUnknownHostIsPermanentForTheTransportYetDeferredByTheQueue() throws Exception {
    // The offline laptop: the name does not resolve. A send gives up at once; the queue keeps the mail.
    Mailer mailer = closing(Mailer.fromProfile(com.typesafe.config.ConfigFactory.parseMap(
        Map.of("transport", "smtp", "host", "no-such-host.invalid", "port", 2525, "tls", "none"))));
    dev.herald.mail.PermanentMailException e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.herald.mail.PermanentMailException.class, () -> mailer.send(email("direct", "bob@example.net")));
    assertEquals(dev.herald.mail.MailException.Reason.UNKNOWN_HOST, e.reason(), e::toString);
    SpoolOutbox spool = spool();
    String id = spool.enqueue(new dev.herald.mail.Envelope("app@example.org", List.of("bob@example.net")),
        email("offline", "bob@example.net").render());
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    assertEquals(1, worker(spool, mailer, 1, outcomes).runOnce());
    QueuedMessage m = spool.find(id).orElseThrow();
    assertEquals(State.DEFERRED, m.state(), m.history()::toString);
    assertEquals(List.of("bob@example.net"), m.pending());
    assertTrue(outcomes.get(0).summary().startsWith("deferred: unknown host 'no-such-host.invalid'"), outcomes.get(0).summary());
    assertTrue(outcomes.get(0).nextAttempt() != null);
  }

  @Test void anOutageIsRiddenOutAndEveryMessageArrivesOnce() throws Exception {
    int port;
    try (MockSmtpServer probe = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start()) {
      port = probe.port();
    }
    // Connection refused until the server comes back: retried like any transient failure.
    Mailer mailer = closing(Mailer.fromProfile(com.typesafe.config.ConfigFactory.parseMap(
        Map.of("transport", "smtp", "host", "127.0.0.1", "port", port, "tls", "none"))));
    SpoolOutbox spool = spool();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      String id = spool.enqueue(new dev.herald.mail.Envelope("app@example.org", List.of("bob@example.net")),
          email("outage " + i, "bob@example.net").render());
      ids.add(spool.find(id).orElseThrow().messageId());
    }
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    worker(spool, mailer, 2, outcomes).start();
    await("every message to be deferred twice", Duration.ofSeconds(20),
        () -> outcomes.stream().filter(o -> o.nextAttempt() != null).count() >= 40);
    assertEquals(0, spool.stats().failed());
    assertTrue(outcomes.stream().allMatch(o -> o.error() != null && !o.done()));
    MockSmtpServer back = closing(MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start(port));
    List<RecordedMessage> got = back.takeMessages(20, Duration.ofSeconds(20));
    await("the deliveries to be recorded", Duration.ofSeconds(5), () -> spool.stats().total() == 0);
    Thread.sleep(300);
    assertEquals(20, back.messageCount(), "none twice");
    assertEquals(ids, new HashSet<>(got.stream().map(r -> r.header("Message-ID").orElseThrow()).toList()));
  }

  @Test void fourWorkerThreadsDeliverEachMessageExactlyOnce() throws Exception {
    int n = Integer.getInteger("herald.queue.messages", 2000);
    MockSmtpServer server = server();
    SpoolOutbox spool = spool();
    Mailer mailer = mailer(server);
    Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long t0 = System.nanoTime();
    java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
      dev.herald.mail.MessageContent c = email("m" + i, "bob@example.net").render();
      ids.add(c.messageId().orElseThrow());
      spool.enqueue(new dev.herald.mail.Envelope("app@example.org", List.of("bob@example.net")), c);
    });
    long t1 = System.nanoTime();
    assertEquals(n, worker(spool, mailer, 4, new CopyOnWriteArrayList<>()).runOnce());
    System.out.printf("%d messages: enqueued in %d ms, drained by 4 threads in %d ms%n", n, (t1 - t0) / 1_000_000,
        (System.nanoTime() - t1) / 1_000_000);
    assertEquals(0, spool.stats().total());
    Map<String, Integer> count = new HashMap<>();
    for (RecordedMessage r : server.messages()) count.merge(r.header("Message-ID").orElseThrow(), 1, Integer::sum);
    assertEquals(ids, count.keySet());
    assertTrue(count.values().stream().allMatch(c -> c == 1), "a message delivered twice");
  }

  @Test void closeFinishesTheMessageInHandAndLeavesNoThread() throws Exception {
    MockSmtpServer server = server();
    server.script(at(Stage.DATA_END).delay(Duration.ofMillis(500)).once());
    SpoolOutbox spool = spool();
    spool.enqueue(new dev.herald.mail.Envelope("app@example.org", List.of("bob@example.net")), email("slow", "bob@example.net").render());
    OutboxWorker w = worker(spool, mailer(server), 2, new CopyOnWriteArrayList<>()).start();
    await("the message to be claimed", Duration.ofSeconds(5), () -> spool.stats().active() == 1);
    w.close();
    assertEquals(0, spool.stats().total(), "the message in hand was finished and recorded");
    assertEquals(1, server.messageCount());
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("herald-outbox-")),
        "a worker thread outlived close()");
  }

  @Test void theClaimMadeAheadWhileSendingIsAlsoFinishedOnClose() throws Exception {
    MockSmtpServer server = server();
    server.script(at(Stage.DATA_END).delay(Duration.ofMillis(800)).once());
    SpoolOutbox spool = spool();
    for (String s : List.of("first", "second", "third")) {
      spool.enqueue(new dev.herald.mail.Envelope("app@example.org", List.of("bob@example.net")), email(s, "bob@example.net").render());
    }
    OutboxWorker w = worker(spool, mailer(server), 1, new CopyOnWriteArrayList<>()).start();
    // One thread: the message being sent and the next one, claimed while the first is sent.
    await("two claims", Duration.ofSeconds(5), () -> spool.stats().active() == 2);
    w.close();
    assertEquals(0, spool.stats().active(), "no claim is left behind to wait for its lease");
    assertEquals(2, server.messageCount(), "both messages in hand were sent");
    assertEquals(1, spool.stats().queued(), "no new claim after close()");
  }
}
