package dev.herald.mail.testkit.internal.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The messages behind the web inbox, oldest first: in memory up to a cap (the oldest dropped), or
 * as {@code .eml} files in a directory (found there again at start, deleted there on delete; no cap,
 * since they are the user's files). Thread-safe; listeners hear of every change.
 */
public final class InboxStore {
  /** What listeners hear; called on the thread that made the change, so they must not block. */
  public interface Listener {
    void added(StoredMessage m);

    void deleted(List<String> ids);
  }

  /** IDs are file names in a save directory, so only these characters, and never a leading dot. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}");
  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private final int maxMessages;
  private final Path dir;
  private final LinkedHashMap<String, StoredMessage> messages = new LinkedHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private InboxStore(int maxMessages, Path dir) {
    this.maxMessages = maxMessages;
    this.dir = dir;
  }

  /** Keeps up to {@code maxMessages} in memory. */
  public static InboxStore inMemory(int maxMessages) {
    if (maxMessages < 1) throw new IllegalArgumentException("the message cap must be at least 1, got " + maxMessages);
    return new InboxStore(maxMessages, null);
  }

  /** Keeps messages as files in {@code dir} (created if missing), starting with the {@code .eml} files already there. */
  public static InboxStore inDirectory(Path dir) {
    InboxStore s = new InboxStore(Integer.MAX_VALUE, dir);
    try {
      Files.createDirectories(dir);
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.filter(f -> f.getFileName().toString().endsWith(".eml") && Files.isRegularFile(f))
            .filter(f -> validId(stem(f)))
            .sorted(Comparator.comparing(InboxStore::modified).thenComparing(InboxStore::arrivalOrder)).toList();
      }
      for (Path f : files) {
        // What a restarted server cannot know about how the message came: no TLS, no AUTH badge.
        StoredMessage.Arrival a = new StoredMessage.Arrival(modified(f).toInstant(), List.of(), false, null, null);
        s.messages.put(stem(f), StoredMessage.inFile(stem(f), a, f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + dir + " for messages (" + reason(e) + "); name a directory you can write", e);
    }
    return s;
  }

  /** Whether {@code id} is of the form the store gives out (a safe file name). */
  public static boolean validId(String id) { return id != null && ID.matcher(id).matches(); }

  public void listen(Listener l) { listeners.add(l); }

  public void unlisten(Listener l) { listeners.remove(l); }

  /** The save directory, if messages are kept in files. */
  public Optional<Path> directory() { return Optional.ofNullable(dir); }

  /** Stores a message; in a directory the file is complete before it is listed. */
  public StoredMessage add(byte[] raw, StoredMessage.Arrival arrival) {
    StoredMessage m;
    List<String> dropped = new ArrayList<>();
    if (dir == null) {
      m = StoredMessage.inMemory(randomId(), arrival, raw);
    } else {
      Path f = save(raw, arrival.at());
      m = StoredMessage.inFile(stem(f), arrival, f);
    }
    synchronized (messages) {
      messages.put(m.id(), m);
      var it = messages.keySet().iterator();
      while (messages.size() > maxMessages) {
        dropped.add(it.next());
        it.remove();
      }
    }
    for (Listener l : listeners) l.added(m);
    if (!dropped.isEmpty()) for (Listener l : listeners) l.deleted(dropped);
    return m;
  }

  /** Every message, newest first. */
  public List<StoredMessage> newestFirst() {
    List<StoredMessage> out;
    synchronized (messages) {
      out = new ArrayList<>(messages.values());
    }
    java.util.Collections.reverse(out);
    return out;
  }

  public int size() {
    synchronized (messages) {
      return messages.size();
    }
  }

  public Optional<StoredMessage> get(String id) {
    synchronized (messages) {
      return Optional.ofNullable(messages.get(id));
    }
  }

  /** The newest message, for Mailpit's {@code latest} ID. */
  public Optional<StoredMessage> latest() {
    synchronized (messages) {
      StoredMessage last = null;
      for (StoredMessage m : messages.values()) last = m;
      return Optional.ofNullable(last);
    }
  }

  /** Deletes these messages (their files too); returns the IDs that were there. */
  public List<String> delete(Collection<String> ids) {
    List<StoredMessage> gone = new ArrayList<>();
    synchronized (messages) {
      for (String id : ids) {
        StoredMessage m = messages.remove(id);
        if (m != null) gone.add(m);
      }
    }
    return forget(gone);
  }

  /** Deletes every message; returns their IDs. */
  public List<String> deleteAll() {
    List<StoredMessage> gone;
    synchronized (messages) {
      gone = new ArrayList<>(messages.values());
      messages.clear();
    }
    return forget(gone);
  }

  private List<String> forget(List<StoredMessage> gone) {
    List<String> ids = new ArrayList<>();
    for (StoredMessage m : gone) {
      ids.add(m.id());
      if (m.file() != null) {
        try {
          Files.deleteIfExists(m.file());
        } catch (IOException e) {
          // it is gone from the inbox; a file we cannot delete stays for the user to see
        }
      }
    }
    if (!ids.isEmpty()) for (Listener l : listeners) l.deleted(ids);
    return ids;
  }

  /**
   * Writes to a hidden temporary file, then renames it to a name not yet taken (under a lock: a rename
   * replaces an existing file), so a listed file is always complete.
   */
  private Path save(byte[] raw, java.time.Instant at) {
    String base = FILE_TIME.format(LocalDateTime.ofInstant(at, ZoneId.systemDefault()));
    try {
      Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
      Files.write(tmp, raw, StandardOpenOption.TRUNCATE_EXISTING);
      synchronized (dir) {
        for (int n = 0; ; n++) {
          Path target = dir.resolve(n == 0 ? base + ".eml" : base + "-" + n + ".eml");
          if (Files.exists(target)) continue;
          return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the message in " + dir + " (" + reason(e) + ")", e);
    }
  }

  /** What went wrong, in words: a FileSystemException's message is often the file name alone. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
    if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name is in the way";
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
    return e.getMessage();
  }

  private static final java.util.regex.Pattern SAME_MILLISECOND = java.util.regex.Pattern.compile("(\\d{8}-\\d{6}-\\d{3})(?:-(\\d{1,9}))?");

  /**
   * Order of arrival among files with the same time stamp (the file system's clock may be coarser
   * than a millisecond): by name, a second message of a millisecond ({@code …-123-1}) after the first
   * ({@code …-123}), which a plain string order puts first ('-' sorts before '.').
   */
  private static String arrivalOrder(Path f) {
    String stem = stem(f);
    java.util.regex.Matcher m = SAME_MILLISECOND.matcher(stem);
    if (!m.matches()) return stem;
    return m.group(1) + "-" + "%09d".formatted(m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
  }

  private static String stem(Path f) {
    String n = f.getFileName().toString();
    return n.endsWith(".eml") ? n.substring(0, n.length() - 4) : n;
  }

  private static FileTime modified(Path f) {
    try {
      return Files.getLastModifiedTime(f);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static String randomId() {
    char[] c = new char[20];
    for (int i = 0; i < c.length; i++) c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    return new String(c);
  }

  @Override public String toString() {
    return "InboxStore[" + (dir == null ? "memory, max " + maxMessages : dir.toString()) + ", " + size() + " messages]";
  }
}
