package dev.herald.mail.merge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A batch's own record of its rows, {@code ledger.tsv} in the batch's directory: one line when a row is
 * queued (its data's hash, key, queue id, Message-ID, recipients; an empty queue id when the row is sent
 * straight away, before it is stored anywhere) and one per outcome. Append-only; a torn last line (power
 * loss) is ignored. The queue's key markers, not this file, are what keep a stored row from being
 * stored twice; the ledger says what became of each row after the queue forgot it, or without it.
 * {@code lock} is held while a batch runs, so two runs of one batch cannot interleave.
 */
public final class Ledger implements AutoCloseable {
  /** What the ledger knows of one row. */
  public static final class Entry {
    public String hash;
    public String key;
    public String queueId;
    public String messageId;
    public String recipients;
    public String status;
    public String reply;
  }

  private final FileChannel out;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<Integer, Entry> entries;

  private Ledger(FileChannel out, FileChannel lockChannel, FileLock lock, Map<Integer, Entry> entries) {
    this.out = out;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.entries = entries;
  }

  /** The rows of the ledger in {@code dir}, without locking (a dry run); empty when there is none. */
  public static Map<Integer, Entry> read(Path dir) throws IOException {
    Map<Integer, Entry> m = new HashMap<>();
    java.util.List<String> lines;
    try {
      lines = Files.readAllLines(dir.resolve("ledger.tsv"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return m;
    }
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      try {
        if (f[0].equals("Q") && f.length == 7) {
          Entry e = m.computeIfAbsent(Integer.parseInt(f[1]), k -> new Entry());
          e.hash = f[2];
          e.key = f[3];
          e.queueId = f[4];
          e.messageId = f[5];
          e.recipients = f[6];
        } else if (f[0].equals("O") && f.length == 4) {
          // An outcome may come before its row's Q line: the worker can finish a row before the loop that queues records it.
          Entry e = m.computeIfAbsent(Integer.parseInt(f[1]), k -> new Entry());
          e.status = f[2];
          e.reply = f[3];
        }
      } catch (NumberFormatException torn) {
        // the last line of a run the machine lost power in
      }
    }
    return m;
  }

  /**
   * Opens (creating) the ledger in {@code dir} and locks the batch.
   *
   * @throws IllegalStateException when another process runs this batch
   */
  public static Ledger open(Path dir) throws IOException {
    // The ledger holds the batch's recipients and the servers' replies: its directories and files are the owner's alone.
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (posix) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
    FileAttribute<?>[] ownerOnly = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    FileChannel lc = FileChannel.open(dir.resolve("lock"), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly);
    FileLock lock;
    try {
      lock = lc.tryLock();
    } catch (IOException | RuntimeException e) {
      lc.close();
      throw e;
    }
    if (lock == null) {
      lc.close();
      throw new IllegalStateException("another herald process is running this batch (" + dir + ")");
    }
    Map<Integer, Entry> entries = read(dir);
    FileChannel out = FileChannel.open(dir.resolve("ledger.tsv"), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND), ownerOnly);
    return new Ledger(out, lc, lock, entries);
  }

  public Entry get(int row) { return entries.get(row); }

  /** Every row the ledger knows, as read when it was opened and written since. */
  public Map<Integer, Entry> entries() { return java.util.Collections.unmodifiableMap(entries); }

  public synchronized void queued(int row, String hash, String key, String queueId, String messageId, String recipients) throws IOException {
    Entry e = entries.computeIfAbsent(row, k -> new Entry());
    e.hash = hash;
    e.key = key;
    e.queueId = queueId;
    e.messageId = messageId;
    e.recipients = recipients;
    append("Q\t" + row + "\t" + hash + "\t" + key + "\t" + queueId + "\t" + clean(messageId) + "\t" + clean(recipients) + "\n");
  }

  public synchronized void outcome(int row, String status, String reply) throws IOException {
    Entry e = entries.computeIfAbsent(row, k -> new Entry());
    e.status = status;
    e.reply = reply;
    append("O\t" + row + "\t" + status + "\t" + clean(reply) + "\n");
  }

  // One write per line, straight to the file (no buffer of ours): a process that is killed loses nothing written.
  private void append(String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) out.write(b);
  }

  private static String clean(String s) {
    return s == null ? "" : s.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
  }

  @Override public synchronized void close() throws IOException {
    try {
      out.force(true);
      out.close();
    } finally {
      lock.release();
      lockChannel.close();
    }
  }
}
