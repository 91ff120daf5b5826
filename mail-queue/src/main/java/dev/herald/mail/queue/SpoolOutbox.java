package dev.herald.mail.queue;

import dev.herald.mail.Address;
import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.queue.QueuedMessage.State;
import dev.herald.mail.queue.internal.Durable;
import dev.herald.mail.queue.internal.Json;
import dev.herald.mail.queue.internal.SpooledContent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code spool} store: a directory on this machine, no server. Each message is one file: a
 * header block (JSON: envelope, attempts, next attempt, last error, history, the key of a keyed
 * enqueue) ended by a blank line, then the message exactly as it will be sent. Where the file sits
 * says its state:
 *
 * <pre>
 * tmp/ID            being written; no worker ever looks here
 * queued/ID         due now
 * deferred/ID       waiting for its next attempt (the header's next-attempt)
 * active/ID@WORKER  claimed by WORKER, whose lease is the modification time of workers/WORKER
 * failed/ID         given up on, with its history
 * trash/            delivered or removed, to be deleted by {@link #cleanUp()}
 * </pre>
 *
 * A message is written to {@code tmp/ID}, forced to disk, and renamed into {@code queued/} (the
 * rename made durable by syncing the directory, one sync for the renames of all the enqueues of this
 * process that wait for it): an entry is either whole in {@code queued/} or not there at all. A new
 * header (after an attempt, on retry) is written with the message to a new file that replaces the
 * old one by a rename. A claim is a rename into {@code active/}: of two workers renaming one entry, one
 * fails. Several processes may share a spool on one machine (not over NFS: its renames and locks
 * are not to be trusted).
 */
public final class SpoolOutbox implements Outbox {
  private static final System.Logger LOG = System.getLogger(SpoolOutbox.class.getName());
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration STALE_TMP = Duration.ofHours(1);

  private final String name;
  private final Path root;
  private final Path tmp;
  private final Path queued;
  private final Path deferred;
  private final Path active;
  private final Path failed;
  private final Path workers;
  private final Path trash;
  private final Path keys;
  private final Object keyLock = new Object();
  private final boolean fsync;
  private final Duration lease;
  private final Clock clock;
  private final String worker;
  private final Deque<String> candidates = new ArrayDeque<>();
  // Group commit of queued/: an enqueue takes a ticket after its rename; one directory sync covers every ticket taken before it began.
  private final java.util.concurrent.atomic.AtomicLong renamed = new java.util.concurrent.atomic.AtomicLong();
  private final Object syncLock = new Object();
  private long synced;
  private volatile boolean created;
  private volatile boolean heartbeat;
  private long lastRecovery;
  // The sync of queued/ after an enqueue's rename; replaced by the tests, as a disk cannot be made to fail on demand.
  interface DirectorySync { void sync(Path dir) throws IOException; }
  DirectorySync queuedSync = Durable::syncDirectory;

  private SpoolOutbox(String name, Path root, Duration lease, Clock clock, boolean fsync) {
    this.fsync = fsync;
    this.name = Objects.requireNonNull(name, "name");
    this.root = root.toAbsolutePath();
    this.tmp = this.root.resolve("tmp");
    this.queued = this.root.resolve("queued");
    this.deferred = this.root.resolve("deferred");
    this.active = this.root.resolve("active");
    this.failed = this.root.resolve("failed");
    this.workers = this.root.resolve("workers");
    this.trash = this.root.resolve("trash");
    this.keys = this.root.resolve("keys");
    if (lease.isNegative() || lease.isZero()) throw new IllegalArgumentException("lease must be positive");
    this.lease = lease;
    this.clock = clock;
    // Unique per open store: two outboxes in one process are two workers, each with its own lease.
    this.worker = ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits((short) RANDOM.nextInt());
  }

  /** A spool in {@code directory} (created on first use) with a 5-minute lease. */
  public static SpoolOutbox open(Path directory) { return open("spool", directory, Duration.ofMinutes(5), Clock.systemUTC()); }

  /**
   * @param name the store's name, for messages
   * @param lease how long a claim lasts without {@link #renew()}: a killed worker's messages wait this long
   */
  public static SpoolOutbox open(String name, Path directory, Duration lease, Clock clock) {
    return new SpoolOutbox(name, directory, lease, clock, true);
  }

  /**
   * A spool whose enqueue does not force its files to disk ({@code fsync = false}): a stored message
   * survives the crash of its process (the kernel has it) but maybe not a power failure. For messages
   * that can be made again from a source of their own: a batch's rows are in its data file, and a key
   * lost with them is queued again (a row delivered just before the power failure may go twice).
   */
  public static SpoolOutbox open(String name, Path directory, Duration lease, Clock clock, boolean fsync) {
    return new SpoolOutbox(name, directory, lease, clock, fsync);
  }

  public Path directory() { return root; }

  /** This outbox's worker name, as it appears in {@code active/ID@WORKER}. */
  public String worker() { return worker; }

  @Override public String describe() { return name + " (spool " + root + ")"; }

  @Override public void close() { }

  // ------------------------------------------------------------------ enqueue

  @Override public String enqueue(Envelope envelope, MessageContent content) {
    return store(newId(), null, envelope, content, null);
  }

  /**
   * Writes the entry to tmp/ID (the caller's key, if any, in its header) and renames it into queued/, or,
   * with the outcome of an attempt made before it was stored, into deferred/ or failed/ as {@link #record} would.
   */
  private String store(String id, String key, Envelope envelope, MessageContent content, Outcome attempted) {
    Path entry = tmp.resolve(id);
    try {
      ensureCreated();
      String messageId = content.messageId().orElse(null);
      byte[] prefix = new byte[0];
      if (messageId == null) {
        // Fixed here, so that every attempt sends the same message.
        Address domainOf = envelope.sender().isEmpty() ? Address.parse("herald@localhost") : Address.parse(envelope.sender());
        messageId = Email.newMessageId(domainOf);
        prefix = ("Message-ID: " + messageId + "\r\n").getBytes(StandardCharsets.US_ASCII);
      }
      Instant now = clock.instant();
      String queuedLine = stamp(now) + " queued for " + envelope.recipients().size() + " recipient(s)";
      QueuedMessage m = attempted == null
          ? new QueuedMessage(id, messageId, State.QUEUED, envelope.sender(), envelope.recipients(), List.of(), Map.of(), now, 0,
              null, null, List.of(queuedLine), 0, null)
          : new QueuedMessage(id, messageId, attempted.pending().isEmpty() ? State.FAILED : State.DEFERRED, envelope.sender(),
              attempted.pending(), attempted.accepted(), attempted.failed(), now, 1, attempted.nextAttempt(), attempted.error(),
              List.of(queuedLine, stamp(now) + " attempt 1: " + attempted.summary()), 0, null);
      Path target = dir(m.state());
      try (FileChannel ch = FileChannel.open(entry, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        out.write(header(m, key, content.has8bit(), content.requiresSmtpUtf8()));
        out.write(prefix);
        content.writeTo(out);
        out.flush();
        if (fsync) ch.force(true);
      }
      // tmp/ is not synced: the name that must survive is the one in queued/, and syncing queued/ makes the rename durable.
      Files.move(entry, target.resolve(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      if (fsync) {
        try {
          if (target == queued) syncQueued();
          else Durable.syncDirectory(target);
        } catch (IOException e) {
          // Visible but maybe not durable: take it back out, so that "nothing was queued" is true.
          if (!Durable.rename(target.resolve(id), entry)) return id; // a worker has claimed it already: it is queued
          throw e;
        }
      }
      return id;
    } catch (IOException | UncheckedIOException e) {
      try {
        Durable.deleteTree(entry);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      String why = e instanceof UncheckedIOException u ? String.valueOf(u.getCause().getMessage()) : reason((IOException) e);
      throw new LocalIoException("cannot store the message in queue " + name + " (" + root + "): " + why, dev.herald.mail.Stage.LOCAL, 0,
          null, null, "nothing was queued; free space or fix the directory's permissions, then try again", e);
    }
  }

  /** Makes the renames into queued/ so far durable: one directory sync for all the enqueues waiting at the time. */
  private void syncQueued() throws IOException {
    long mine = renamed.incrementAndGet();
    synchronized (syncLock) {
      if (synced >= mine) return; // a sync that began after this rename covered it
      long upTo = renamed.get();
      queuedSync.sync(queued);
      synced = upTo;
    }
  }

  // ------------------------------------------------------------------ enqueue under a key
  //
  // keys/KEY       the marker: the queue id, written once the entry is in queued/ (and by record() before a
  //                delivered keyed entry is deleted, should the enqueuing process have died before writing it)
  // keys/KEY.lock  held (a file lock) while a keyed enqueue runs; it holds the id chosen, so that a run after
  //                a crash between the rename and the marker finds the entry instead of storing it again

  @Override public Keyed enqueue(String key, Envelope envelope, MessageContent content) {
    return keyed(key, id -> store(id, key, envelope, content, null));
  }

  /**
   * Stores under a key, at most once as {@link #enqueue(String, Envelope, MessageContent)} does, a message
   * that was attempted once already before it was stored, with that attempt's outcome: deferred until
   * {@link Outcome#nextAttempt()} for its pending recipients (never again to the accepted ones), or
   * failed, with the reasons, when none is pending. A batch sends its rows straight away and stores
   * only those an attempt did not deliver ({@code dev.herald:mail-merge}).
   *
   * @param envelope the envelope of that attempt
   * @throws IllegalArgumentException when the outcome delivered to every recipient: there is nothing to store
   * @throws LocalIoException when the message cannot be stored; nothing is left half-written
   */
  public Keyed enqueueAttempted(String key, Envelope envelope, MessageContent content, Outcome attempt) {
    if (attempt.done()) throw new IllegalArgumentException("every recipient of " + key + " accepted it: nothing to store");
    return keyed(key, id -> store(id, key, envelope, content, attempt));
  }

  private interface Store { void store(String id); }

  private Keyed keyed(String key, Store how) {
    checkKey(key);
    synchronized (keyLock) { // a JVM may hold one file lock per file: keyed enqueues of this process take turns
      try {
        ensureCreated();
        Optional<String> known = marker(key);
        if (known.isPresent()) return new Keyed(known.get(), false);
        Path lockFile = keys.resolve(key + ".lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock = ch.lock()) {
          known = marker(key); // another process may have finished it while this one waited
          if (known.isPresent()) return new Keyed(known.get(), false);
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(64);
          ch.read(buf, 0);
          String earlier = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
          if (!earlier.isEmpty()) {
            if (stored(earlier)) { // stored by a run that died before it wrote the marker
              writeMarker(key, earlier);
              return new Keyed(earlier, false);
            }
            Durable.deleteTree(tmp.resolve(earlier)); // died before the rename: never visible, store it again
          }
          String id = earlier.isEmpty() ? newId() : earlier;
          ch.truncate(0);
          ch.write(java.nio.ByteBuffer.wrap(id.getBytes(StandardCharsets.US_ASCII)), 0);
          if (fsync) ch.force(true);
          how.store(id);
          writeMarker(key, id);
          Files.deleteIfExists(lockFile);
          return new Keyed(id, true);
        }
      } catch (IOException e) {
        throw new LocalIoException("cannot store the message under key " + key + " in queue " + name + " (" + root + "): "
            + reason(e), dev.herald.mail.Stage.LOCAL, 0, null, null, "nothing was queued; free space or fix the directory's"
            + " permissions, then try again", e);
      }
    }
  }

  @Override public Optional<String> idOfKey(String key) {
    checkKey(key);
    try {
      return marker(key);
    } catch (IOException e) {
      throw new LocalIoException("cannot read key " + key + " in queue " + name + ": " + reason(e), e);
    }
  }

  private Optional<String> marker(String key) throws IOException {
    return markerLine(key).map(line -> line.indexOf(' ') < 0 ? line : line.substring(0, line.indexOf(' ')));
  }

  /** A key's marker: {@code ID} once its message was delivered, {@code ID removed} when an operator removed it. */
  private Optional<String> markerLine(String key) throws IOException {
    try {
      return Optional.of(Files.readString(keys.resolve(key), StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** A new file, forced to disk unless this spool was opened without fsync. */
  private void writeNew(Path file, byte[] bytes) throws IOException {
    if (fsync) {
      Durable.writeNew(file, bytes);
    } else {
      Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
  }

  private void writeMarker(String key, String id) throws IOException {
    try {
      writeNew(keys.resolve(key), id.getBytes(StandardCharsets.US_ASCII));
      if (fsync) Durable.syncDirectory(keys);
    } catch (FileAlreadyExistsException e) {
      // written by record() or by another run: the same id
    }
  }

  /** Whether an entry with this id is in the store, in any state, looked for in the order entries move. */
  private boolean stored(String id) throws IOException {
    if (Files.exists(queued.resolve(id))) return true;
    for (String n : names(active)) if (n.startsWith(id + "@")) return true;
    return Files.exists(deferred.resolve(id)) || Files.exists(failed.resolve(id)) || Files.exists(queued.resolve(id));
  }

  private static void checkKey(String key) {
    if (key == null || !key.matches("[0-9A-Za-z._-]{1,200}") || key.startsWith(".")) {
      throw new IllegalArgumentException("not a queue key: '" + key + "' (letters, digits, '.', '_' and '-', at most 200)");
    }
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) m = fse.getFile() + ": " + fse.getReason();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Creates the spool's directories, readable by their owner alone (messages are private), when they are missing. */
  private void ensureCreated() throws IOException {
    if (created) return;
    for (Path d : List.of(tmp, queued, deferred, active, failed, workers, trash, keys)) {
      if (Files.isDirectory(d)) continue;
      try {
        Files.createDirectories(d, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(d); // not a POSIX file system
      }
    }
    created = true;
  }

  private String newId() {
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    return ID_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(r);
  }

  // ------------------------------------------------------------------ claim and record

  private record SpoolClaim(QueuedMessage message, Meta meta, MessageContent content, Path entry) implements Claim { }

  @Override public Optional<Claim> claim() {
    try {
      ensureCreated();
      if (!heartbeat) renew();
      for (int round = 0; round < 2; round++) {
        String id;
        while ((id = nextCandidate()) != null) {
          Path entry = active.resolve(id + "@" + worker);
          if (Durable.rename(queued.resolve(id), entry)) {
            // One read for header and message alike when the message is small: nothing is read twice.
            Loaded e;
            try {
              e = load(entry, true);
            } catch (IOException damaged) {
              // Left in active/ (taken back when this worker's lease lapses): the others are still claimed.
              LOG.log(System.Logger.Level.WARNING, damaged.getMessage());
              continue;
            }
            if (e == null) continue; // not a message of ours (a stray directory): left where it is now, for an operator
            QueuedMessage m = e.meta.message.with(State.ACTIVE, worker);
            return Optional.of(new SpoolClaim(m, e.meta, new SpooledContent(entry, e.meta.headerLength, m.size(), e.bytes,
                m.messageId(), e.meta.eightBit, e.meta.smtpUtf8), entry));
          }
        }
        if (round == 0) refill();
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new LocalIoException("cannot claim a message from queue " + name + " (" + root + "): " + reason(e), e);
    }
  }

  private String nextCandidate() {
    synchronized (candidates) {
      return candidates.pollFirst();
    }
  }

  /** Lists the due messages again, after making due deferred ones due and taking back expired claims. */
  private void refill() throws IOException {
    Instant now = clock.instant();
    boolean recover;
    synchronized (candidates) {
      recover = now.toEpochMilli() - lastRecovery >= Math.max(200, lease.toMillis() / 4);
      if (recover) lastRecovery = now.toEpochMilli();
    }
    if (recover) recoverExpired();
    promoteDue(now);
    List<String> names = names(queued);
    synchronized (candidates) {
      candidates.clear();
      candidates.addAll(names);
    }
  }

  private void promoteDue(Instant now) throws IOException {
    for (String id : names(deferred)) {
      Meta meta;
      try {
        meta = meta(deferred.resolve(id));
      } catch (IOException damaged) {
        // One damaged entry must not stop every claim: it stays where it is, for an operator.
        LOG.log(System.Logger.Level.WARNING, damaged.getMessage());
        continue;
      }
      if (meta == null) continue;
      if (meta.message.nextAttempt() == null || !meta.message.nextAttempt().isAfter(now)) {
        Durable.rename(deferred.resolve(id), queued.resolve(id));
      }
    }
  }

  @Override public void record(Claim claim, Outcome outcome) {
    SpoolClaim c = (SpoolClaim) claim;
    QueuedMessage m = c.message();
    Path entry = c.entry();
    try {
      Instant now = clock.instant();
      if (outcome.done() && m.failed().isEmpty()) {
        // The marker outlives the entry: a keyed message is never stored twice.
        if (c.meta().key != null && !Files.exists(keys.resolve(c.meta().key))) writeMarker(c.meta().key, m.id());
        // Not synced: after a power failure the message may be back and sent again; that is at-least-once
        // (a crash of the process alone loses no rename). Deleting the file is left to cleanUp(), off the
        // delivery path: an unlink costs more than the whole send on some file systems.
        try {
          Files.move(entry, trash.resolve(entry.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
          throw new NoSuchFileException(entry + " (the claim expired and was taken back)");
        }
        return;
      }
      if (!Files.exists(entry)) throw new NoSuchFileException(entry + " (the claim expired and was taken back)");
      List<String> delivered = new ArrayList<>(m.delivered());
      delivered.addAll(outcome.accepted());
      Map<String, String> failedNow = new LinkedHashMap<>(m.failed());
      failedNow.putAll(outcome.failed());
      List<String> history = new ArrayList<>(m.history());
      history.add(stamp(now) + " attempt " + (m.attempts() + 1) + ": " + outcome.summary());
      QueuedMessage next = new QueuedMessage(m.id(), m.messageId(), outcome.pending().isEmpty() ? State.FAILED : State.DEFERRED,
          m.sender(), outcome.pending(), delivered, failedNow, m.created(), m.attempts() + 1, outcome.nextAttempt(),
          outcome.error() != null ? outcome.error() : m.lastError(), history, m.size(), null);
      rewrite(entry, next, c.meta());
      Path target = (next.state() == State.FAILED ? failed : deferred).resolve(m.id());
      Files.move(entry, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Durable.syncDirectory(active);
      Durable.syncDirectory(target.getParent());
    } catch (IOException e) {
      throw new LocalIoException("cannot record the attempt on " + m.id() + " in queue " + name + ": " + reason(e)
          + "; it will be tried again when its claim expires", e);
    }
  }

  /**
   * Replaces {@code entry}'s header: the new header and the message are written to a file in tmp/,
   * forced to disk, and renamed over the entry (its directory synced), so a crash leaves the old
   * entry or the new one, whole.
   */
  private void rewrite(Path entry, QueuedMessage next, Meta meta) throws IOException {
    Path t = tmp.resolve(entry.getFileName().toString());
    Files.deleteIfExists(t);
    try (FileChannel in = FileChannel.open(entry, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer h = ByteBuffer.wrap(header(next, meta.key, meta.eightBit, meta.smtpUtf8));
      while (h.hasRemaining()) out.write(h);
      long pos = meta.headerLength;
      long end = in.size();
      while (pos < end) pos += in.transferTo(pos, end - pos, out);
      out.force(true);
    }
    Files.move(t, entry, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Durable.syncDirectory(entry.getParent());
  }

  /** Writes the marker of a keyed entry if its enqueue died before it did. */
  private void keyed(Path entry, String id) throws IOException {
    Meta meta = meta(entry);
    if (meta == null || meta.key == null) return;
    if (marker(meta.key).isEmpty()) writeMarker(meta.key, id);
  }

  // keys/KEY holds "ID" while the message is queued or once delivered, "ID removed" once an operator removed it.
  private void removedKey(Path entry, String id) throws IOException {
    Meta meta = meta(entry);
    if (meta == null || meta.key == null) return;
    Path t = tmp.resolve(meta.key + ".removed");
    Files.deleteIfExists(t);
    writeNew(t, (id + " removed").getBytes(StandardCharsets.US_ASCII));
    Files.move(t, keys.resolve(meta.key), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (fsync) Durable.syncDirectory(keys);
  }

  @Override public boolean removedByKey(String key) {
    checkKey(key);
    try {
      return markerLine(key).map(line -> line.endsWith(" removed")).orElse(false);
    } catch (IOException e) {
      throw new LocalIoException("cannot read key " + key + " in queue " + name + ": " + reason(e), e);
    }
  }

  @Override public void renew() {
    try {
      ensureCreated();
      Path beat = workers.resolve(worker);
      try {
        Files.createFile(beat);
      } catch (FileAlreadyExistsException e) {
        // renewed below
      }
      Files.setLastModifiedTime(beat, FileTime.from(clock.instant()));
      heartbeat = true;
    } catch (IOException e) {
      throw new LocalIoException("cannot renew the lease of worker " + worker + " in " + workers + ": " + reason(e), e);
    }
  }

  /** Deletes the delivered and removed messages that wait in {@code trash/}. */
  @Override public void cleanUp() {
    try {
      for (String gone : names(trash)) Durable.deleteTree(trash.resolve(gone));
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot empty " + trash + ": " + e.getMessage());
    }
  }

  @Override public int recoverExpired() {
    try {
      ensureCreated();
      Instant now = clock.instant();
      int n = 0;
      for (String name : names(active)) {
        int at = name.indexOf('@');
        if (at < 0) continue;
        String owner = name.substring(at + 1);
        if (owner.equals(worker) || alive(owner, now)) continue;
        if (Durable.rename(active.resolve(name), queued.resolve(name.substring(0, at)))) {
          LOG.log(System.Logger.Level.DEBUG, "took back " + name.substring(0, at) + " from worker " + owner + ", whose lease expired");
          n++;
        }
      }
      if (n > 0) Durable.syncDirectory(queued);
      for (String owner : names(workers)) {
        if (!owner.equals(worker) && !alive(owner, now.minus(lease.multipliedBy(10)))) Files.deleteIfExists(workers.resolve(owner));
      }
      for (String stale : names(tmp)) {
        Path p = tmp.resolve(stale);
        if (newest(p).isBefore(now.minus(STALE_TMP))) Durable.deleteTree(p); // an enqueue (or rewrite) that died half-way: never visible
      }
      cleanUp();
      return n;
    } catch (IOException e) {
      throw new LocalIoException("cannot take back expired claims in queue " + name + ": " + reason(e), e);
    }
  }

  private boolean alive(String owner, Instant now) throws IOException {
    try {
      return Files.getLastModifiedTime(workers.resolve(owner)).toInstant().plus(lease).isAfter(now);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static Instant newest(Path dir) throws IOException {
    Instant t;
    try {
      t = Files.getLastModifiedTime(dir).toInstant();
      if (!Files.isDirectory(dir)) return t; // an entry of this layout is a file; a directory is a half-written one of the old layout
    } catch (NoSuchFileException e) {
      return Instant.now();
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Instant pt = Files.getLastModifiedTime(p).toInstant();
        if (pt.isAfter(t)) t = pt;
      }
    } catch (NoSuchFileException e) {
      return Instant.now();
    }
    return t;
  }

  // ------------------------------------------------------------------ inspect and operate

  @Override public List<QueuedMessage> list() {
    try {
      ensureCreated();
      List<QueuedMessage> out = new ArrayList<>();
      for (State s : State.values()) {
        Path dir = dir(s);
        for (String n : names(dir)) {
          int at = n.indexOf('@');
          QueuedMessage m = read(dir.resolve(n), s, at < 0 ? null : n.substring(at + 1));
          if (m != null) out.add(m);
        }
      }
      out.sort(java.util.Comparator.comparing(QueuedMessage::id));
      return out;
    } catch (IOException e) {
      throw new LocalIoException("cannot list queue " + name + " (" + root + "): " + reason(e), e);
    }
  }

  @Override public Optional<QueuedMessage> find(String id) {
    checkId(id);
    try {
      ensureCreated();
      for (State s : List.of(State.QUEUED, State.DEFERRED, State.FAILED)) {
        QueuedMessage m = read(dir(s).resolve(id), s, null);
        if (m != null) return Optional.of(m);
      }
      for (String n : names(active)) {
        if (n.startsWith(id + "@")) {
          QueuedMessage m = read(active.resolve(n), State.ACTIVE, n.substring(id.length() + 1));
          if (m != null) return Optional.of(m);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new LocalIoException("cannot read queue " + name + ": " + reason(e), e);
    }
  }

  @Override public boolean retry(String id) {
    checkId(id);
    try {
      ensureCreated();
      for (Path from : List.of(failed.resolve(id), deferred.resolve(id))) {
        Path entry = active.resolve(id + "@" + worker);
        if (!Durable.rename(from, entry)) continue;
        if (!heartbeat) renew();
        Meta meta = meta(entry);
        if (meta == null) throw new IOException(entry + " is not a message of this spool");
        QueuedMessage m = meta.message.with(State.ACTIVE, worker);
        List<String> pending = new ArrayList<>(m.pending());
        for (String r : m.failed().keySet()) if (!pending.contains(r)) pending.add(r);
        List<String> history = new ArrayList<>(m.history());
        history.add(stamp(clock.instant()) + " retry requested" + (m.failed().isEmpty() ? "" : " for " + m.failed().size()
            + " failed recipient(s)"));
        QueuedMessage next = new QueuedMessage(id, m.messageId(), State.QUEUED, m.sender(), pending, m.delivered(), Map.of(),
            m.created(), m.attempts(), null, m.lastError(), history, m.size(), null);
        rewrite(entry, next, meta);
        Files.move(entry, queued.resolve(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Durable.syncDirectory(active);
        Durable.syncDirectory(queued);
        return true;
      }
      return false;
    } catch (IOException e) {
      throw new LocalIoException("cannot retry " + id + " in queue " + name + ": " + reason(e), e);
    }
  }

  @Override public int retryAll() {
    int n = 0;
    for (String id : names(failed)) if (retry(id)) n++;
    for (String id : names(deferred)) if (retry(id)) n++;
    return n;
  }

  @Override public int flush() {
    try {
      ensureCreated();
      int n = 0;
      for (String id : names(deferred)) if (Durable.rename(deferred.resolve(id), queued.resolve(id))) n++;
      if (n > 0) Durable.syncDirectory(queued);
      return n;
    } catch (IOException e) {
      throw new LocalIoException("cannot flush queue " + name + ": " + reason(e), e);
    }
  }

  @Override public boolean remove(String id) {
    checkId(id);
    try {
      ensureCreated();
      for (Path from : List.of(queued.resolve(id), deferred.resolve(id), failed.resolve(id))) {
        Path gone = trash.resolve(id + "@removed");
        if (Durable.rename(from, gone)) {
          Durable.syncDirectory(from.getParent());
          removedKey(gone, id); // removed by an operator: a rerun of its batch does not store it again, nor counts it sent
          Durable.deleteTree(gone);
          return true;
        }
      }
      for (String n : names(active)) {
        if (n.startsWith(id + "@")) {
          throw new IllegalStateException(id + " is being sent by worker " + n.substring(id.length() + 1) + "; try again when it is done");
        }
      }
      return false;
    } catch (IOException e) {
      throw new LocalIoException("cannot remove " + id + " from queue " + name + ": " + reason(e), e);
    }
  }

  @Override public Stats stats() {
    try {
      ensureCreated();
      Instant oldest = null;
      int[] counts = new int[State.values().length];
      for (State s : State.values()) {
        List<String> names = names(dir(s));
        counts[s.ordinal()] = names.size();
        for (String n : names) {
          // Ids begin with the time they were queued, so the smallest name is the oldest message.
          Instant t = idTime(n);
          if (t != null && (oldest == null || t.isBefore(oldest))) oldest = t;
        }
      }
      return new Stats(counts[0], counts[1], counts[2], counts[3], oldest);
    } catch (IOException e) {
      throw new LocalIoException("cannot read queue " + name + ": " + reason(e), e);
    }
  }

  private static Instant idTime(String name) {
    try {
      return java.time.LocalDateTime.parse(name.substring(0, 19), DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"))
          .toInstant(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Path dir(State s) {
    return switch (s) {
      case QUEUED -> queued;
      case DEFERRED -> deferred;
      case ACTIVE -> active;
      case FAILED -> failed;
    };
  }

  private static void checkId(String id) {
    if (id == null || !id.matches("[0-9A-Za-z-]+")) throw new IllegalArgumentException("not a queue id: '" + id + "'");
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ an entry's header

  /** Read this much first: a header with a short history and a small message fit in one read. */
  private static final int FIRST_READ = 16 * 1024;

  /** @param headerLength where the message begins in the entry's file */
  private record Meta(QueuedMessage message, String key, boolean eightBit, boolean smtpUtf8, long headerLength) { }

  /** @param bytes the whole file when the message was small enough to hold (see SpooledContent), else null */
  private record Loaded(Meta meta, byte[] bytes) { }

  private QueuedMessage read(Path entry, State state, String worker) throws IOException {
    Meta m = meta(entry);
    return m == null ? null : m.message.with(state, worker);
  }

  /** The entry's header; null when the entry is gone (claimed or removed meanwhile) or is not a message. */
  private static Meta meta(Path entry) throws IOException {
    Loaded l = load(entry, false);
    return l == null ? null : l.meta;
  }

  /** Reads an entry's header, and with {@code body} a small message with it; null when it is gone or is a directory. */
  private static Loaded load(Path entry, boolean body) throws IOException {
    try (FileChannel ch = FileChannel.open(entry, StandardOpenOption.READ)) {
      long size = ch.size();
      boolean whole = body && size <= SpooledContent.HOLD_LIMIT + FIRST_READ;
      byte[] b = new byte[(int) (whole ? size : Math.min(size, FIRST_READ))];
      int n = fill(ch, b, 0);
      int end;
      while ((end = endOfHeader(b, n)) < 0) {
        if (n < b.length || n >= size) throw new IOException(entry + " is damaged: its header has no end (a blank line)");
        b = java.util.Arrays.copyOf(b, (int) Math.min(size, (long) b.length * 2));
        n = fill(ch, b, n);
      }
      Meta meta = parse(entry, new String(b, 0, end, StandardCharsets.UTF_8), end + 2, size);
      boolean hold = body && size - meta.headerLength <= SpooledContent.HOLD_LIMIT;
      if (hold && b.length < size) {
        b = java.util.Arrays.copyOf(b, (int) size);
        n = fill(ch, b, n);
      }
      if (hold && n < size) throw new IOException(entry + " changed while it was read");
      return new Loaded(meta, hold ? b : null);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      if (Files.isDirectory(entry)) return null; // not an entry of this layout
      throw e;
    }
  }

  private static int fill(FileChannel ch, byte[] b, int from) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, from, b.length - from);
    while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) { /* ch.read(buf, pos) advances buf */ }
    return buf.position();
  }

  /** The offset of the blank line that ends the header ("\n\n"), or -1 when it is not in {@code b[0, n)}. */
  private static int endOfHeader(byte[] b, int n) {
    for (int i = 0; i + 1 < n; i++) if (b[i] == '\n' && b[i + 1] == '\n') return i;
    return -1;
  }

  @SuppressWarnings("unchecked")
  private static Meta parse(Path entry, String text, long headerLength, long fileSize) throws IOException {
    try {
      Map<String, Object> c = (Map<String, Object>) Json.parse(text);
      Map<String, String> failedMap = new LinkedHashMap<>();
      for (Object o : (List<Object>) c.get("failed")) {
        Map<String, Object> f = (Map<String, Object>) o;
        failedMap.put((String) f.get("recipient"), (String) f.get("reason"));
      }
      Object next = c.get("next-attempt");
      QueuedMessage q = new QueuedMessage((String) c.get("id"), (String) c.get("message-id"), State.QUEUED, (String) c.get("sender"),
          strings(c.get("pending")), strings(c.get("delivered")), failedMap, Instant.parse((String) c.get("created")),
          ((Number) c.get("attempts")).intValue(), next == null ? null : Instant.parse((String) next), (String) c.get("last-error"),
          strings(c.get("history")), fileSize - headerLength, null);
      return new Meta(q, (String) c.get("key"), Boolean.TRUE.equals(c.get("8bit")), Boolean.TRUE.equals(c.get("smtputf8")),
          headerLength);
    } catch (RuntimeException e) {
      throw new IOException(entry + "'s header is damaged: " + e.getMessage(), e);
    }
  }

  private static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) list) out.add((String) o);
    return out;
  }

  /** The header block: the JSON (which never holds a blank line: its strings escape line breaks), then a blank line. */
  private static byte[] header(QueuedMessage m, String key, boolean eightBit, boolean smtpUtf8) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", m.id());
    if (key != null) o.put("key", key);
    o.put("message-id", m.messageId());
    o.put("sender", m.sender());
    o.put("pending", m.pending());
    o.put("delivered", m.delivered());
    List<Map<String, String>> f = new ArrayList<>();
    m.failed().forEach((r, why) -> {
      Map<String, String> x = new LinkedHashMap<>();
      x.put("recipient", r);
      x.put("reason", why);
      f.add(x);
    });
    o.put("failed", f);
    o.put("created", m.created().toString());
    o.put("attempts", m.attempts());
    o.put("next-attempt", m.nextAttempt() == null ? null : m.nextAttempt().toString());
    o.put("last-error", m.lastError());
    o.put("history", m.history());
    o.put("8bit", eightBit);
    o.put("smtputf8", smtpUtf8);
    return (Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String stamp(Instant t) { return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(); }
}
