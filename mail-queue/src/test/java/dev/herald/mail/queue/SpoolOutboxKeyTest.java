package dev.herald.mail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.MessageContent;
import java.io.IOException;
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

/** Enqueue under a caller's key: at most once, also after delivery and after a crash at each step. */
class SpoolOutboxKeyTest {
  @TempDir Path dir;

  private SpoolOutbox spool() { return SpoolOutbox.open("test", dir, Duration.ofMinutes(5), Clock.systemUTC()); }

  private static MessageContent message() { return SpoolOutboxTest.message("row 1"); }

  private static List<String> ls(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test void aKeyRemembersWhetherItsMessageWasRemovedOrDelivered() throws Exception {
    SpoolOutbox spool = spool();
    Outbox.Keyed removed = spool.enqueue("b-row-1", SpoolOutboxTest.envelope("bob@example.net"), message());
    assertFalse(spool.removedByKey("b-row-1"), "queued");
    assertTrue(spool.remove(removed.id()));
    assertTrue(spool.removedByKey("b-row-1"));
    assertEquals(Optional.of(removed.id()), spool.idOfKey("b-row-1"), "the key still names its message");
    assertFalse(spool.enqueue("b-row-1", SpoolOutboxTest.envelope("bob@example.net"), message()).created(), "not stored again");
    Outbox.Keyed delivered = spool.enqueue("b-row-2", SpoolOutboxTest.envelope("bob@example.net"), message());
    Outbox.Claim c = spool.claim().orElseThrow();
    assertEquals(delivered.id(), c.message().id());
    spool.record(c, new Outcome(List.of("bob@example.net"), List.of(), Map.of(), null, null, "ok"));
    assertFalse(spool.removedByKey("b-row-2"), "delivered, not removed");
  }

  @Test void aMessageAttemptedBeforeItWasStoredWaitsForItsPendingRecipientsOnlyWithThatAttemptInItsHistory() throws Exception {
    SpoolOutbox spool = spool();
    Instant later = Instant.now().plus(Duration.ofMinutes(10));
    Outcome first = new Outcome(List.of("ann@example.net"), List.of("bob@example.net"), Map.of("eve@example.net", "550 5.1.1 no such user"),
        later, "bob@example.net: 451 4.7.1 try again later", "accepted by test for 1 recipient(s)");
    Outbox.Keyed k = spool.enqueueAttempted("b-row-7",
        SpoolOutboxTest.envelope("ann@example.net", "bob@example.net", "eve@example.net"), message(), first);
    assertTrue(k.created());
    assertEquals(List.of(k.id()), ls(dir.resolve("deferred")));
    assertEquals(Optional.empty(), spool.claim(), "not due before its next attempt");
    QueuedMessage m = spool.find(k.id()).orElseThrow();
    assertEquals(QueuedMessage.State.DEFERRED, m.state());
    assertEquals(1, m.attempts());
    assertEquals(List.of("bob@example.net"), m.pending());
    assertEquals(List.of("ann@example.net"), m.delivered());
    assertEquals(Map.of("eve@example.net", "550 5.1.1 no such user"), m.failed());
    assertEquals(later, m.nextAttempt());
    assertTrue(m.history().get(1).endsWith("attempt 1: accepted by test for 1 recipient(s)"), m.history().toString());
    assertFalse(spool.enqueueAttempted("b-row-7", SpoolOutboxTest.envelope("bob@example.net"), message(), first).created(),
        "a key is stored once");
    assertFalse(spool.enqueue("b-row-7", SpoolOutboxTest.envelope("bob@example.net"), message()).created());
    assertTrue(spool.retry(k.id()));
    Outbox.Claim c = spool.claim().orElseThrow();
    assertEquals(List.of("bob@example.net", "eve@example.net"), c.message().pending(), "the retry is for the others, never ann");

    Outbox.Keyed refused = spool.enqueueAttempted("b-row-8", SpoolOutboxTest.envelope("eve@example.net"), message(),
        new Outcome(List.of(), List.of(), Map.of("eve@example.net", "550 no"), null, "550 no", "failed permanently: 550 no"));
    assertEquals(List.of(refused.id()), ls(dir.resolve("failed")));
    assertThrows(IllegalArgumentException.class, () -> spool.enqueueAttempted("b-row-9", SpoolOutboxTest.envelope("bob@example.net"),
        message(), new Outcome(List.of("bob@example.net"), List.of(), Map.of(), null, null, "ok")), "delivered: nothing to store");
  }

  @Test void theSameKeyTwiceStoresOneMessage() throws Exception {
    SpoolOutbox spool = spool();
    Outbox.Keyed first = spool.enqueue("batch1-row-1", SpoolOutboxTest.envelope("bob@example.net"), message());
    Outbox.Keyed second = spool.enqueue("batch1-row-1", SpoolOutboxTest.envelope("bob@example.net"), message());
    assertTrue(first.created());
    assertFalse(second.created());
    assertEquals(first.id(), second.id());
    assertEquals(List.of(first.id()), ls(dir.resolve("queued")));
    assertEquals(Optional.of(first.id()), spool.idOfKey("batch1-row-1"));
    assertEquals(Optional.empty(), spool.idOfKey("batch1-row-2"));
    assertEquals("batch1-row-1", SpoolOutboxTest.headerOf(dir.resolve("queued").resolve(first.id())).get("key"));
    assertEquals(List.of("batch1-row-1"), ls(dir.resolve("keys")), "the lock file is gone once the marker is written");
  }

  @Test void aSpoolWithoutFsyncKeepsTheSameEntriesAndKeys() throws Exception {
    SpoolOutbox spool = SpoolOutbox.open("test", dir, Duration.ofMinutes(5), Clock.systemUTC(), false);
    Outbox.Keyed first = spool.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message());
    assertFalse(spool.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message()).created());
    assertEquals("k1", SpoolOutboxTest.headerOf(dir.resolve("queued").resolve(first.id())).get("key"));
    SpoolOutbox other = spool(); // a synced view of the same directory reads it alike
    assertEquals(Optional.of(first.id()), other.idOfKey("k1"));
    assertEquals(first.id(), other.claim().orElseThrow().message().id());
  }

  @Test void aDeliveredKeyIsNotStoredAgain() {
    SpoolOutbox spool = spool();
    String id = spool.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message()).id();
    Outbox.Claim c = spool.claim().orElseThrow();
    spool.record(c, new Outcome(List.of("bob@example.net"), List.of(), Map.of(), null, null, "accepted"));
    assertEquals(0, spool.stats().total());
    Outbox.Keyed again = spool.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message());
    assertFalse(again.created());
    assertEquals(id, again.id());
    assertEquals(0, spool.stats().total());
  }

  /** What a process killed between the rename into queued/ and the marker leaves: the lock file holds the id. */
  private String enqueuedThenKilledBeforeTheMarker() throws IOException {
    String id = spool().enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message()).id();
    Files.delete(dir.resolve("keys").resolve("k1"));
    Files.writeString(dir.resolve("keys").resolve("k1.lock"), id, StandardCharsets.US_ASCII);
    return id;
  }

  @Test void aCrashAfterTheRenameBeforeTheMarkerFindsTheStoredEntry() throws Exception {
    String id = enqueuedThenKilledBeforeTheMarker();
    SpoolOutbox next = spool();
    assertEquals(Optional.empty(), next.idOfKey("k1"));
    Outbox.Keyed again = next.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message());
    assertFalse(again.created());
    assertEquals(id, again.id());
    assertEquals(1, next.stats().total());
    assertEquals(Optional.of(id), next.idOfKey("k1"));
  }

  @Test void aCrashAfterTheRenameThenDeliveryByAnotherWorkerLeavesTheMarker() throws Exception {
    String id = enqueuedThenKilledBeforeTheMarker();
    SpoolOutbox worker = spool();
    Outbox.Claim c = worker.claim().orElseThrow();
    worker.record(c, new Outcome(List.of("bob@example.net"), List.of(), Map.of(), null, null, "accepted"));
    assertEquals(Optional.of(id), worker.idOfKey("k1"), "record() wrote the marker the enqueue could not");
    Outbox.Keyed again = spool().enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message());
    assertFalse(again.created());
    assertEquals(0, worker.stats().total());
  }

  @Test void aCrashBeforeTheRenameStoresTheMessageOnce() throws Exception {
    SpoolOutbox spool = spool();
    Files.createDirectories(dir.resolve("keys"));
    Files.createDirectories(dir.resolve("tmp"));
    Files.writeString(dir.resolve("tmp").resolve("20260101-000000-000-abcdef"), "half");
    Files.writeString(dir.resolve("keys").resolve("k1.lock"), "20260101-000000-000-abcdef", StandardCharsets.US_ASCII);
    Outbox.Keyed k = spool.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message());
    assertTrue(k.created());
    assertEquals("20260101-000000-000-abcdef", k.id());
    assertEquals(List.of(k.id()), ls(dir.resolve("queued")));
    assertEquals(List.of(), ls(dir.resolve("tmp")));
    assertTrue(SpoolOutboxTest.messageOf(dir.resolve("queued").resolve(k.id())).contains("row 1"));
  }

  @Test void aRemovedKeyedMessageIsNotStoredAgain() {
    SpoolOutbox spool = spool();
    String id = spool.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message()).id();
    assertTrue(spool.remove(id));
    assertFalse(spool.enqueue("k1", SpoolOutboxTest.envelope("bob@example.net"), message()).created());
    assertEquals(0, spool.stats().total());
  }

  @Test void keysAreFileNamesOnly() {
    SpoolOutbox spool = spool();
    for (String bad : new String[] {"../x", "a/b", ".hidden", "", "a b"}) {
      assertThrows(IllegalArgumentException.class, () -> spool.enqueue(bad, SpoolOutboxTest.envelope("bob@example.net"), message()));
    }
  }

  @Test void storesWithoutKeysSayWhy() {
    Outbox plain = new Outbox() {
      @Override public String enqueue(dev.herald.mail.Envelope e, MessageContent c) { return "x"; }
      @Override public String describe() { return "plain"; }
      @Override public void close() { }
      @Override public Optional<Claim> claim() { return Optional.empty(); }
      @Override public void record(Claim claim, Outcome outcome) { }
      @Override public void renew() { }
      @Override public int recoverExpired() { return 0; }
      @Override public List<QueuedMessage> list() { return List.of(); }
      @Override public Optional<QueuedMessage> find(String id) { return Optional.empty(); }
      @Override public boolean retry(String id) { return false; }
      @Override public int retryAll() { return 0; }
      @Override public int flush() { return 0; }
      @Override public boolean remove(String id) { return false; }
      @Override public Stats stats() { return new Stats(0, 0, 0, 0, Instant.now()); }
    };
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> plain.enqueue("k", SpoolOutboxTest.envelope("bob@example.net"), message()));
    assertTrue(e.getMessage().contains("plain"));
  }
}
