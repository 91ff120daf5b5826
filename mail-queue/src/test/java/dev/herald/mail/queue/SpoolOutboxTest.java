package dev.herald.mail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.queue.QueuedMessage.State;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolOutboxTest {
  @TempDir Path dir;

  static MessageContent message(String subject) {
    return Email.builder().from("app@example.org").to("bob@example.net").subject(subject).text("hello").build().render();
  }

  static Envelope envelope(String... rcpt) { return new Envelope("app@example.org", List.of(rcpt)); }

  private SpoolOutbox spool(Duration lease) { return SpoolOutbox.open("test", dir, lease, Clock.systemUTC()); }

  /** The message an entry's file holds: what follows the header's blank line. */
  static String messageOf(Path entry) throws IOException {
    String all = Files.readString(entry, StandardCharsets.UTF_8);
    return all.substring(all.indexOf("\n\n") + 2);
  }

  /** An entry's header, parsed. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> headerOf(Path entry) throws IOException {
    String all = Files.readString(entry, StandardCharsets.UTF_8);
    return (Map<String, Object>) dev.herald.mail.queue.internal.Json.parse(all.substring(0, all.indexOf("\n\n")));
  }

  private static String sent(Outbox.Claim c) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    c.content().writeTo(b);
    return b.toString(StandardCharsets.UTF_8);
  }

  private static List<String> ls(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test void aDamagedDeferredEntryDoesNotStopTheOthersFromBeingClaimed() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    // a torn header: no blank line ends it
    Path broken = Files.writeString(Files.createDirectories(dir.resolve("deferred")).resolve("20260101-000000-000-abcdef"),
        "{\"id\": \"20260101-000000-000-abcdef\", torn");
    String id = spool.enqueue(envelope("bob@example.net"), message("after the damaged one"));
    Outbox.Claim c = spool.claim().orElseThrow();
    assertEquals(id, c.message().id());
    assertTrue(Files.isRegularFile(broken), "the damaged entry is left for an operator");
  }

  @Test void aDamagedQueuedEntryIsSkippedAndTheNextOneClaimed() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    Files.writeString(Files.createDirectories(dir.resolve("queued")).resolve("20260101-000000-000-abcdef"), "torn");
    String id = spool.enqueue(envelope("bob@example.net"), message("after the damaged one"));
    assertEquals(id, spool.claim().orElseThrow().message().id(), "the damaged entry (the oldest) does not stop the claim");
    assertEquals(Optional.empty(), spool.claim());
  }

  @Test void aFailedSyncOfQueuedAfterTheRenameLeavesNothingQueued() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    spool.enqueue(envelope("bob@example.net"), message("first")); // creates the directories
    spool.queuedSync = d -> { throw new IOException("Input/output error"); };
    LocalIoException e = assertThrows(LocalIoException.class, () -> spool.enqueue(envelope("bob@example.net"), message("two")));
    assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
    assertEquals(1, ls(dir.resolve("queued")).size(), "the failed enqueue's entry is taken back out of queued/");
    assertEquals(List.of(), ls(dir.resolve("tmp")));
    LocalIoException k = assertThrows(LocalIoException.class,
        () -> spool.enqueue("row-7", envelope("bob@example.net"), message("keyed")));
    assertEquals(1, ls(dir.resolve("queued")).size());
    spool.queuedSync = dd -> { };
    assertTrue(spool.enqueue("row-7", envelope("bob@example.net"), message("keyed")).created(),
        "a keyed enqueue that reported failure stores the message on its retry: " + k.getMessage());
    assertEquals(2, ls(dir.resolve("queued")).size());
  }

  @Test void enqueueLeavesAWholeEntryInQueuedAndNothingInTmp() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    MessageContent content = message("one");
    String id = spool.enqueue(envelope("bob@example.net"), content);
    assertEquals(List.of(id), ls(dir.resolve("queued")));
    assertTrue(Files.isRegularFile(dir.resolve("queued").resolve(id)), "one file per message");
    assertEquals(List.of(), ls(dir.resolve("tmp")));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("queued"))), "messages are private");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    content.writeTo(expected);
    assertEquals(expected.toString(StandardCharsets.UTF_8), messageOf(dir.resolve("queued").resolve(id)));
    Map<String, Object> header = headerOf(dir.resolve("queued").resolve(id));
    assertEquals(id, header.get("id"));
    assertEquals(List.of("bob@example.net"), header.get("pending"));
    assertEquals(expected.size(), spool.find(id).orElseThrow().size());
    QueuedMessage m = spool.find(id).orElseThrow();
    assertEquals(State.QUEUED, m.state());
    assertEquals(content.messageId().orElseThrow(), m.messageId());
    assertEquals(List.of("bob@example.net"), m.pending());
    assertEquals(0, m.attempts());
  }

  @Test void aMessageWithoutMessageIdGetsOneAtEnqueueThatEveryAttemptSends() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    String id = spool.enqueue(envelope("bob@example.net"),
        MessageContent.ofBytes("Subject: raw\r\nFrom: app@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
    QueuedMessage m = spool.find(id).orElseThrow();
    assertTrue(m.messageId().matches("<[^@>]+@example\\.org>"), m.messageId());
    Outbox.Claim c = spool.claim().orElseThrow();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    c.content().writeTo(sent);
    assertTrue(sent.toString(StandardCharsets.US_ASCII).startsWith("Message-ID: " + m.messageId() + "\r\nSubject: raw\r\n"));
    assertEquals(Optional.of(m.messageId()), c.content().messageId());
  }

  @Test void aMessageThatCannotBeWrittenLeavesNothingBehind() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    MessageContent failing = new MessageContent() {
      @Override public void writeTo(OutputStream out) throws IOException {
        out.write(new byte[100_000]);
        throw new IOException("No space left on device");
      }
      @Override public long size() { return -1; }
      @Override public Optional<String> messageId() { return Optional.of("<x@example.org>"); }
      @Override public boolean has8bit() { return false; }
      @Override public boolean requiresSmtpUtf8() { return false; }
    };
    LocalIoException e = assertThrows(LocalIoException.class, () -> spool.enqueue(envelope("bob@example.net"), failing));
    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    assertEquals(List.of(), ls(dir.resolve("tmp")));
    assertEquals(List.of(), ls(dir.resolve("queued")));
    assertTrue(spool.claim().isEmpty());
  }

  @Test void twoWorkersNeverClaimTheSameMessage() throws Exception {
    SpoolOutbox a = spool(Duration.ofMinutes(5));
    SpoolOutbox b = spool(Duration.ofMinutes(5));
    for (int i = 0; i < 50; i++) a.enqueue(envelope("bob@example.net"), message("m" + i));
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
    Runnable drain = () -> {
      SpoolOutbox mine = spool(Duration.ofMinutes(5));
      Optional<Outbox.Claim> c;
      while ((c = mine.claim()).isPresent()) if (!seen.add(c.get().message().id())) duplicates.incrementAndGet();
    };
    Thread t1 = new Thread(drain), t2 = new Thread(drain), t3 = new Thread(drain);
    t1.start(); t2.start(); t3.start();
    t1.join(); t2.join(); t3.join();
    assertEquals(50, seen.size());
    assertEquals(0, duplicates.get());
    assertTrue(b.claim().isEmpty());
    assertEquals(50, a.stats().active());
  }

  @Test void aClaimOfAWorkerThatStoppedRenewingIsTakenBackAfterTheLease() throws Exception {
    SpoolOutbox dead = spool(Duration.ofMillis(300));
    SpoolOutbox alive = spool(Duration.ofMillis(300));
    String id = dead.enqueue(envelope("bob@example.net"), message("lost?"));
    Outbox.Claim c = dead.claim().orElseThrow();
    assertEquals(List.of(id + "@" + dead.worker()), ls(dir.resolve("active")));
    assertEquals(0, alive.recoverExpired()); // still within the lease
    Thread.sleep(500);
    assertEquals(1, alive.recoverExpired());
    Outbox.Claim again = alive.claim().orElseThrow();
    assertEquals(id, again.message().id());
    // The dead worker's late record must not resurrect or delete the taken-back message.
    assertThrows(LocalIoException.class, () -> dead.record(c, new Outcome(List.of("bob@example.net"), List.of(), Map.of(), null, null, "ok")));
    assertEquals(1, alive.stats().active());
  }

  @Test void deferredWaitsForItsTimeFailedKeepsHistoryUntilRetriedOrRemoved() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    String id = spool.enqueue(envelope("a@example.net", "b@example.net", "c@example.net"), message("partial"));
    Outbox.Claim c = spool.claim().orElseThrow();
    Instant later = Instant.now().plusSeconds(3600);
    spool.record(c, new Outcome(List.of("a@example.net"), List.of("b@example.net"), Map.of("c@example.net", "550 5.1.1 no such user"),
        later, "b@example.net: 450 mailbox busy", "accepted for 1"));
    QueuedMessage m = spool.find(id).orElseThrow();
    assertEquals(State.DEFERRED, m.state());
    assertEquals(List.of("b@example.net"), m.pending());
    assertEquals(List.of("a@example.net"), m.delivered());
    assertEquals(Map.of("c@example.net", "550 5.1.1 no such user"), m.failed());
    assertEquals(1, m.attempts());
    assertEquals(later, m.nextAttempt());
    assertTrue(spool.claim().isEmpty(), "not due yet");

    assertEquals(1, spool.flush());
    Outbox.Claim c2 = spool.claim().orElseThrow();
    assertEquals(List.of("b@example.net"), c2.message().pending());
    assertEquals(sent(c), sent(c2), "a new header leaves the message as it was");
    spool.record(c2, new Outcome(List.of(), List.of(), Map.of("b@example.net", "gave up"), null, "gave up", "gave up"));
    m = spool.find(id).orElseThrow();
    assertEquals(State.FAILED, m.state());
    assertEquals(2, m.history().size() - 1);
    assertTrue(spool.claim().isEmpty(), "failed messages are not sent again by themselves");
    assertEquals(1, spool.stats().failed());

    assertTrue(spool.retry(id));
    m = spool.find(id).orElseThrow();
    assertEquals(State.QUEUED, m.state());
    assertEquals(List.of("b@example.net", "c@example.net"), m.pending().stream().sorted().toList());
    assertEquals(List.of("a@example.net"), m.delivered());
    Outbox.Claim c3 = spool.claim().orElseThrow();
    assertThrows(IllegalStateException.class, () -> spool.remove(id));
    spool.record(c3, new Outcome(List.of(), List.of("b@example.net"), Map.of(), later, "x", "x"));
    assertTrue(spool.remove(id));
    assertFalse(spool.remove(id));
    assertEquals(0, spool.stats().total());
    assertEquals(List.of(), ls(dir.resolve("trash")));
  }

  @Test void deliveredMessagesLeaveTheStore() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    spool.enqueue(envelope("bob@example.net"), message("done"));
    Outbox.Claim c = spool.claim().orElseThrow();
    spool.record(c, new Outcome(List.of("bob@example.net"), List.of(), Map.of(), null, null, "ok"));
    assertEquals(0, spool.stats().total());
    assertEquals(1, ls(dir.resolve("trash")).size(), "deleted off the delivery path");
    spool.cleanUp();
    for (String d : List.of("tmp", "queued", "deferred", "active", "failed", "trash")) assertEquals(List.of(), ls(dir.resolve(d)), d);
  }

  @Test void aLargeMessageIsStreamedFromBehindTheHeaderAcrossAttempts() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    String body = "0123456789abcdef".repeat(40_000); // 640 KB: over what a claim holds in memory
    MessageContent content = Email.builder().from("app@example.org").to("bob@example.net").subject("big").text(body).build().render();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    content.writeTo(expected);
    String id = spool.enqueue(envelope("bob@example.net"), content);
    Outbox.Claim c = spool.claim().orElseThrow();
    assertEquals(expected.size(), c.content().size());
    assertEquals(expected.toString(StandardCharsets.UTF_8), sent(c));
    spool.record(c, new Outcome(List.of(), List.of("bob@example.net"), Map.of(), Instant.now().minusSeconds(1), "451 later", "later"));
    Outbox.Claim again = spool.claim().orElseThrow();
    assertEquals(id, again.message().id());
    assertEquals(expected.toString(StandardCharsets.UTF_8), sent(again));
    assertEquals(expected.size(), spool.find(id).orElseThrow().size());
  }

  @Test void concurrentEnqueuesAreAllStoredWhole() throws Exception {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    List<String> ids = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int n = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 50; i++) ids.add(spool.enqueue(envelope("bob@example.net"), message(n + "-" + i)));
      });
      th.start();
      threads.add(th);
    }
    for (Thread t : threads) t.join();
    assertEquals(200, ids.size());
    assertEquals(ids.stream().sorted().toList(), ls(dir.resolve("queued")));
    java.util.Set<String> subjects = new java.util.HashSet<>();
    Optional<Outbox.Claim> c;
    while ((c = spool.claim()).isPresent()) {
      String m = sent(c.get());
      subjects.add(m.substring(m.indexOf("Subject: ") + 9, m.indexOf('\r', m.indexOf("Subject: "))));
    }
    assertEquals(200, subjects.size());
  }

  @Test void idsAreTimeOrderedAndDistinct() {
    SpoolOutbox spool = spool(Duration.ofMinutes(5));
    String a = spool.enqueue(envelope("bob@example.net"), message("1"));
    String b = spool.enqueue(envelope("bob@example.net"), message("2"));
    assertNotEquals(a, b);
    assertEquals(a, spool.list().get(0).id().compareTo(b) < 0 ? a : b);
    assertThrows(IllegalArgumentException.class, () -> spool.find("../etc"));
  }
}
