package dev.herald.mail.testkit.internal.inbox;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxStoreTest {
  private static final StoredMessage.Arrival ARRIVAL = new StoredMessage.Arrival(Instant.now(), List.of("b@example.net"), true, "TLSv1.3", "bob");

  private static byte[] message(String subject) {
    return ("From: a@example.org\r\nTo: b@example.net\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test void inMemoryDropsTheOldestPastTheCapAndSaysSo() {
    InboxStore store = InboxStore.inMemory(2);
    List<List<String>> deleted = new ArrayList<>();
    store.listen(new InboxStore.Listener() {
      @Override public void added(StoredMessage m) { }

      @Override public void deleted(List<String> ids) { deleted.add(ids); }
    });
    StoredMessage first = store.add(message("one"), ARRIVAL);
    store.add(message("two"), ARRIVAL);
    store.add(message("three"), ARRIVAL);
    assertEquals(List.of("three", "two"), store.newestFirst().stream().map(StoredMessage::subject).toList());
    assertEquals(List.of(List.of(first.id())), deleted);
    assertTrue(store.get(first.id()).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> InboxStore.inMemory(0));
  }

  @Test void aDirectoryKeepsCompleteFilesFindsThemAgainAndDeletesThem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "not a message");
    InboxStore store = InboxStore.inDirectory(dir.resolve("inbox"));
    StoredMessage a = store.add(message("kept"), ARRIVAL);
    StoredMessage b = store.add(message("kept too"), ARRIVAL); // the same millisecond, likely: a second name
    assertNotEquals(a.file(), b.file());
    assertArrayEquals(message("kept"), Files.readAllBytes(a.file()));
    assertEquals(a.file().getFileName().toString(), a.id() + ".eml");
    try (Stream<Path> files = Files.list(dir.resolve("inbox"))) {
      assertEquals(2, files.count(), "no temporary file left behind");
    }

    InboxStore again = InboxStore.inDirectory(dir.resolve("inbox"));
    assertEquals(List.of("kept too", "kept"), again.newestFirst().stream().map(StoredMessage::subject).toList());
    assertArrayEquals(message("kept too"), again.get(b.id()).orElseThrow().raw());
    assertEquals(List.of(a.id()), again.delete(List.of(a.id(), "no-such")));
    assertFalse(Files.exists(a.file()));
    again.deleteAll();
    assertFalse(Files.exists(b.file()));
    assertTrue(Files.exists(dir.resolve("notes.txt")));
  }

  @Test void filesOfOneTimeStampAreListedInTheOrderTheyCame(@TempDir Path dir) throws Exception {
    Path inbox = dir.resolve("inbox");
    Files.createDirectories(inbox);
    // a coarse file-system clock gives both the same time stamp; the second of a millisecond is named -1
    java.nio.file.attribute.FileTime same = java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
    for (String[] f : new String[][] {{"20261204-151000-123", "first"}, {"20261204-151000-123-1", "second"},
        {"20261204-151000-123-10", "eleventh"}, {"20261204-151000-123-2", "third"}}) {
      Path p = Files.write(inbox.resolve(f[0] + ".eml"), message(f[1]));
      Files.setLastModifiedTime(p, same);
    }
    assertEquals(List.of("eleventh", "third", "second", "first"),
        InboxStore.inDirectory(inbox).newestFirst().stream().map(StoredMessage::subject).toList());
  }

  @Test void idsAreSafeFileNames() {
    assertTrue(InboxStore.validId("20261204-151000-123-1"));
    assertFalse(InboxStore.validId("../etc/passwd"));
    assertFalse(InboxStore.validId(".hidden"));
    assertFalse(InboxStore.validId(""));
  }

  @Test void aMalformedMessageIsStillListed() {
    InboxStore store = InboxStore.inMemory(5);
    byte[] odd = ("Subject: =?x-unknown?Q?odd?=\r\nContent-Type: text/plain; charset=x-unknown\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64\r\n").getBytes(StandardCharsets.UTF_8);
    StoredMessage m = store.add(odd, ARRIVAL);
    assertNotNull(m.snippet());
    assertEquals(odd.length, m.size());
    assertNotNull(m.parsed().headers());
  }
}
