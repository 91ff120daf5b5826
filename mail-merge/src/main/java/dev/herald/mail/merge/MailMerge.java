package dev.herald.mail.merge;

import dev.herald.mail.Address;
import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.merge.RowOutcome.Status;
import dev.herald.mail.merge.internal.Ledger;
import dev.herald.mail.queue.Outbox;
import dev.herald.mail.queue.OutboxWorker;
import dev.herald.mail.queue.Outcome;
import dev.herald.mail.queue.QueuedMessage;
import dev.herald.mail.queue.RetrySchedule;
import dev.herald.mail.queue.SpoolOutbox;
import dev.herald.mail.spi.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A mail merge: one {@link MergeTemplate}, rows from {@link MergeData}, one message per row.
 * {@link #check()} renders every row and sends nothing; {@link #send()} delivers each good row with an
 * {@link OutboxWorker}. With a {@link SpoolOutbox} (the batch's own, by default) a row goes straight to
 * the server, noted in the batch's ledger before and after its send, and only a row that an attempt
 * does not deliver is stored in the spool, under a key made of the batch's id and the row's number;
 * another {@link Outbox} gets every row under its key first. Running the same batch again sends nothing
 * twice: rows already delivered are reported from the ledger, rows a queue holds are taken from there
 * (it keeps their keys after delivery), and what is left is delivered. {@link #stop()} (from another thread, e.g. on
 * Ctrl-C) finishes the messages in hand, records them, and returns.
 *
 * <pre>{@code
 * try (Mailer mailer = Mailer.fromProfile("relay")) {
 *   MailMerge.Result r = MailMerge.builder(Path.of("invite.txt"), Path.of("guests.csv"))
 *       .mailer(mailer).stateDirectory(MailMerge.defaultStateDirectory(System.getenv()))
 *       .listener(p -> System.err.println(p.sent() + "/" + p.total())).build().send();
 * }
 * }</pre>
 *
 * Without an outbox of the caller's, each batch gets its own spool in {@code STATE/ID/spool}.
 */
public final class MailMerge {
  /** A per-batch spool's claims expire this soon after their process dies, so a rerun resumes at once. */
  static final Duration BATCH_SPOOL_LEASE = Duration.ofSeconds(15);

  /** Told where the batch stands after each row's attempt (on a worker thread) and once queueing is done. */
  @FunctionalInterface
  public interface Listener {
    void progress(Progress progress);
  }

  private final Path templateFile;
  private final Path dataFile;
  private final Mailer mailer;
  private final Outbox outbox;
  private final Path stateDirectory;
  private final String batchId;
  private final int limit;
  private final int threads;
  private final RetrySchedule schedule;
  private final Listener listener;
  private volatile boolean stopping;
  private volatile OutboxWorker worker;

  private MailMerge(Builder b) {
    this.templateFile = b.template;
    this.dataFile = b.data;
    this.mailer = b.mailer;
    this.outbox = b.outbox;
    this.stateDirectory = b.state;
    this.batchId = b.batchId != null ? b.batchId : defaultId(b.template, b.data);
    this.limit = b.limit;
    this.threads = b.threads;
    this.schedule = b.schedule;
    this.listener = b.listener;
  }

  public static Builder builder(Path template, Path data) { return new Builder(template, data); }

  /** {@code $XDG_DATA_HOME/herald/batches}, else {@code ~/.local/share/herald/batches}. */
  public static Path defaultStateDirectory(Map<String, String> env) {
    String xdg = env.get("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("herald").resolve("batches");
  }

  /** The batch's id: given, or made from where the template and the data file are (not what they hold). */
  public String batchId() { return batchId; }

  /** The queue key of a row: stable across runs, so the queue stores each row at most once. */
  private String key(int row) { return "herald-batch-" + batchId + "-" + row; }

  /** The batch's directory: its ledger, and its spool when it has no outbox of the caller's. */
  public Path directory() {
    if (stateDirectory == null) throw new IllegalStateException("no state directory: MailMerge.builder(…).stateDirectory(…)");
    return stateDirectory.resolve(batchId);
  }

  private static String defaultId(Path template, Path data) {
    return sha256(template.toAbsolutePath().normalize() + "\0" + data.toAbsolutePath().normalize()).substring(0, 12);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A row's identity for the ledger: its fields, so that a rerun notices a row that changed under it. */
  static String hash(Row row) {
    StringBuilder b = new StringBuilder();
    row.fields().forEach((k, v) -> b.append(k).append('\0').append(v).append('\0'));
    return sha256(b.toString()).substring(0, 16);
  }

  // ------------------------------------------------------------------ check

  /**
   * What a dry run finds.
   *
   * @param rows the rows considered (after the limit)
   * @param ready the rows that render into a message, with the profile's defaults and their Message-ID
   * @param errors the rows that do not, in row order
   */
  public record Preview(String batchId, int rows, List<Ready> ready, List<RowError> errors) {
    /** The first message that would be sent. */
    public Optional<Ready> first() { return ready.isEmpty() ? Optional.empty() : Optional.of(ready.get(0)); }
  }

  /** A row ready to be queued. */
  public record Ready(Row row, Email email, String recipients, String hash) { }

  /**
   * Renders every row and checks every address, header and attachment; sends nothing. Also names the
   * rows that changed since this batch queued them (a rerun with edited data).
   */
  public Preview check() {
    Map<Integer, Ledger.Entry> known;
    try {
      known = stateDirectory == null ? Map.of() : Ledger.read(directory());
    } catch (IOException e) {
      throw new LocalIoException("cannot read the ledger of batch " + batchId + " in " + directory() + ": " + e.getMessage(), e);
    }
    return check(known);
  }

  private Preview check(Map<Integer, Ledger.Entry> known) {
    MergeTemplate template = MergeTemplate.load(templateFile);
    List<Row> rows = rows();
    List<Ready> ready = new ArrayList<>();
    List<RowError> errors = new ArrayList<>();
    for (Row row : rows) {
      Object p = prepare(template, row, known);
      if (p instanceof Ready r) ready.add(r);
      else errors.add((RowError) p);
    }
    return new Preview(batchId, rows.size(), List.copyOf(ready), List.copyOf(errors));
  }

  private List<Row> rows() {
    List<Row> rows = MergeData.read(dataFile);
    return limit > 0 && rows.size() > limit ? rows.subList(0, limit) : rows;
  }

  /** One row rendered and checked: its {@link Ready} message, or the {@link RowError} that keeps it from being sent. */
  private Object prepare(MergeTemplate template, Row row, Map<Integer, Ledger.Entry> known) {
    MergeTemplate.Rendered r = template.render(row);
    if (r.error() != null) return r.error();
    String hash = hash(row);
    Ledger.Entry e = known.get(row.number());
    if (e != null && e.hash != null && !hash.equals(e.hash)) {
      return new RowError(row.number(), r.recipients(), "changed since batch " + batchId + " queued it for " + e.recipients
          + "; restore the data file, or send it as a new batch (--batch NAME)", RowError.Kind.CHANGED);
    }
    try {
      Email email = mailer == null ? r.email() : mailer.withDefaults(r.email());
      String domain = email.from().map(Address::domain).orElse("localhost");
      email = email.toBuilder().messageId("<" + batchId + "." + row.number() + ".batch@" + domain + ">").build();
      Envelope.of(email); // a sender and recipients, or a clear error now rather than at the server
      return new Ready(row, email, r.recipients(), hash);
    } catch (MailException | IllegalArgumentException | IllegalStateException ex) {
      return RowError.of(row.number(), r.recipients(), ex);
    }
  }

  // ------------------------------------------------------------------ send

  /**
   * What a run did, row by row.
   *
   * @param outcomes every row's outcome, in row order
   * @param interrupted true when {@link #stop()} ended the run early
   * @param queue where the rows were queued
   */
  public record Result(String batchId, List<RowOutcome> outcomes, boolean interrupted, String queue) {
    public long count(Status s) { return outcomes.stream().filter(o -> o.status() == s).count(); }
  }

  /**
   * Queues every good row (skipping bad ones, which the result reports) and delivers the batch until
   * nothing of it is due: deferred rows stay in the queue for their next attempt (or the next run).
   *
   * @throws InvalidMessageException when a row changed since this batch queued it (nothing is sent)
   * @throws IllegalStateException when another process runs this batch
   * @throws LocalIoException when the ledger or the queue cannot be written
   */
  public Result send() {
    Objects.requireNonNull(mailer, "MailMerge.builder(…).mailer(…) is needed to send");
    Path dir = directory();
    try (Ledger ledger = Ledger.open(dir)) {
      if (ledger.entries().isEmpty() && (outbox == null || outbox instanceof SpoolOutbox)) {
        // A first run: no row can have changed since an earlier one, so rows are sent while the next are rendered.
        MergeTemplate template = MergeTemplate.load(templateFile);
        List<Row> rows = rows();
        SpoolOutbox spool = outbox == null ? ownSpool(dir) : (SpoolOutbox) outbox;
        try {
          return stream(template, rows, ledger, spool);
        } finally {
          if (outbox == null) spool.close();
        }
      }
      Preview preview = check(ledger.entries());
      List<RowError> changed = preview.errors().stream().filter(e -> e.kind() == RowError.Kind.CHANGED).toList();
      if (!changed.isEmpty()) {
        throw new InvalidMessageException(changed.size() + " row(s) changed since batch " + batchId + " queued them (first: "
            + changed.get(0) + "); nothing was sent");
      }
      boolean own = outbox == null;
      Outbox box = own ? ownSpool(dir) : outbox;
      try {
        return run(preview, ledger, box);
      } finally {
        if (own) box.close();
      }
    } catch (IOException e) {
      throw new LocalIoException("cannot write the ledger of batch " + batchId + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  private SpoolOutbox ownSpool(Path dir) {
    return SpoolOutbox.open("batch-" + batchId, dir.resolve("spool"), BATCH_SPOOL_LEASE, Clock.systemUTC(), false);
  }

  /** Stops a running {@link #send()}: no new row is queued or sent; messages in hand finish and are recorded. */
  public void stop() {
    stopping = true;
    OutboxWorker w = worker;
    // Closing joins the worker's threads, and stop() may be called on one of them (from the listener):
    // the close runs on a thread of its own, and send() returns once the messages in hand are recorded.
    if (w != null) new Thread(w::close, "herald-batch-stop").start();
  }

  private final class Run {
    final Ledger ledger;
    private final Map<Integer, RowOutcome> outcomes = new TreeMap<>();
    final Map<String, Integer> rowOfQueueId = new ConcurrentHashMap<>();
    final Map<String, String> replies = new ConcurrentHashMap<>();
    /** Rows sent before they are stored ({@link Direct}), in row order; their claims' ids are {@code row-N}. */
    final List<Ready> direct = new ArrayList<>();
    final int total;
    private final int[] counts = new int[Status.values().length];
    int sentNow;
    long start;

    Run(Ledger ledger, int total) {
      this.ledger = ledger;
      this.total = total;
    }

    /** A row's outcome so far, counted as it is set: progress is asked for after every row, and counting them all then took O(rows). */
    synchronized void put(RowOutcome o) {
      RowOutcome before = outcomes.put(o.row(), o);
      if (before != null) counts[before.status().ordinal()]--;
      counts[o.status().ordinal()]++;
    }

    // Read under the lock too: rows are added while others are sent (a first run), and a TreeMap read during a put may miss.
    synchronized RowOutcome get(int row) { return outcomes.get(row); }

    synchronized List<RowOutcome> all() { return List.copyOf(outcomes.values()); }

    synchronized void set(RowOutcome o, boolean now) throws IOException {
      put(o);
      if (now && o.status() == Status.SENT) sentNow++;
      if (o.status() != Status.PENDING && o.status() != Status.SKIPPED) ledger.outcome(o.row(), o.status().name(), o.reply());
    }

    synchronized Progress progress() {
      int[] c = counts;
      return new Progress(total, c[Status.SENT.ordinal()], c[Status.REFUSED.ordinal()], c[Status.DEFERRED.ordinal()],
          c[Status.SKIPPED.ordinal()], sentNow, Duration.ofNanos(start == 0 ? 0 : System.nanoTime() - start));
    }

    void tell() {
      if (listener != null) listener.progress(progress());
    }
  }

  private Result run(Preview preview, Ledger ledger, Outbox box) throws IOException {
    Run run = new Run(ledger, preview.rows());
    for (RowError e : preview.errors()) run.set(new RowOutcome(e.row(), e.recipient(), "", Status.SKIPPED, e.message()), false);
    // A spool can store a row after its first attempt: the rows go straight to the server, and only those an
    // attempt does not deliver are stored (deferred or failed). Other stores get every row before it is sent.
    SpoolOutbox spool = box instanceof SpoolOutbox sp ? sp : null;
    List<Integer> resumed = new ArrayList<>();
    for (Ready r : preview.ready()) {
      if (stopping) break;
      int n = r.row().number();
      Ledger.Entry e = ledger.get(n);
      if (e != null && e.status != null && (e.status.equals("SENT") || e.status.equals("REFUSED"))) {
        run.set(new RowOutcome(n, e.recipients != null ? e.recipients : r.recipients(), e.messageId != null ? e.messageId
            : r.email().messageId().orElse(""), Status.valueOf(e.status), e.reply), false);
        continue;
      }
      String messageId = r.email().messageId().orElseThrow();
      String queueId;
      if (e != null && e.queueId != null && !e.queueId.isEmpty()) {
        queueId = e.queueId;
        resumed.add(n);
      } else if (spool != null) {
        // Never attempted, or attempted by a run that died before it recorded the outcome: sent (again).
        if (!resumeIfStored(run, spool, r)) {
          run.direct.add(r);
          run.put(new RowOutcome(n, r.recipients(), messageId, Status.PENDING, ""));
        }
        continue;
      } else {
        MessageContent content = r.email().render();
        Outbox.Keyed k = box.enqueue(key(n), Envelope.of(r.email()), content);
        queueId = k.id();
        if (!k.created()) resumed.add(n); // queued by a run that died before its ledger line
        ledger.queued(n, r.hash(), key(n), queueId, messageId, r.recipients());
      }
      run.rowOfQueueId.put(queueId, n);
      run.put(new RowOutcome(n, r.recipients(), messageId, Status.PENDING, ""));
    }
    // A rerun is the user asking for the rest now: rows deferred by an earlier run are made due.
    for (int n : resumed) {
      String id = ledger.get(n).queueId;
      box.find(id).filter(m -> m.state() == QueuedMessage.State.DEFERRED).ifPresent(m -> box.retry(id));
    }
    run.start = System.nanoTime();
    run.tell();
    if (!stopping && (!run.rowOfQueueId.isEmpty() || !run.direct.isEmpty())) {
      if (spool == null) {
        deliver(run, box);
      } else {
        BlockingQueue<Object> rows = new LinkedBlockingQueue<>(run.direct);
        rows.add(Direct.END);
        Direct direct = new Direct(run, spool, rows);
        deliver(run, direct);
        direct.rethrow();
      }
    }
    return finish(run, box);
  }

  private Result finish(Run run, Outbox box) throws IOException {
    resolve(run, box);
    run.tell();
    return new Result(batchId, run.all(), stopping, box.describe());
  }

  /**
   * A first run: a thread renders the rows (a bad one reported as it comes) while the worker sends those
   * ready, so the batch costs little more than the network. The same ledger lines, keys and outcomes as
   * {@link #run}.
   */
  private Result stream(MergeTemplate template, List<Row> rows, Ledger ledger, SpoolOutbox spool) throws IOException {
    Run run = new Run(ledger, rows.size());
    BlockingQueue<Object> prepared = new ArrayBlockingQueue<>(256);
    Throwable[] failure = new Throwable[1];
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    Thread renderer = new Thread(() -> {
      try {
        for (Row row : rows) {
          Object p = prepare(template, row, Map.of());
          while (!stopping && !over.get() && !prepared.offer(p, 100, TimeUnit.MILLISECONDS)) { /* the sender is behind */ }
          if (stopping || over.get()) return;
        }
      } catch (RuntimeException | Error | InterruptedException e) {
        failure[0] = e;
      } finally {
        // Always the end: a claim waits for the next row (when stopping, nothing takes rows any more)
        try {
          while (!stopping && !over.get() && !prepared.offer(Direct.END, 100, TimeUnit.MILLISECONDS)) { /* full */ }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "herald-batch-render");
    renderer.setDaemon(true); // it only renders; nothing is lost when it stops
    run.start = System.nanoTime();
    renderer.start();
    run.tell();
    Direct direct = new Direct(run, spool, prepared);
    try {
      deliver(run, direct);
    } finally {
      over.set(true); // the worker may have ended before the last row (a row it could not take): no one waits for more
    }
    try {
      renderer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    direct.rethrow();
    if (failure[0] instanceof RuntimeException e) throw e;
    if (failure[0] instanceof Error e) throw e;
    return finish(run, spool);
  }

  /**
   * Whether a row not in the ledger is in the spool: stored by a run that died before its ledger said so.
   * If it is, it is resumed from there (made due if it was deferred) instead of being sent again.
   */
  private boolean resumeIfStored(Run run, SpoolOutbox spool, Ready r) throws IOException {
    int n = r.row().number();
    Optional<String> stored = spool.idOfKey(key(n));
    if (stored.isEmpty()) return false;
    String id = stored.get();
    String messageId = r.email().messageId().orElseThrow();
    run.ledger.queued(n, r.hash(), key(n), id, messageId, r.recipients());
    run.rowOfQueueId.put(id, n);
    run.put(new RowOutcome(n, r.recipients(), messageId, Status.PENDING, ""));
    spool.find(id).filter(m -> m.state() == QueuedMessage.State.DEFERRED).ifPresent(m -> spool.retry(id));
    return true;
  }

  private void deliver(Run run, Outbox box) {
    Transport recording = new RecordingReplies(mailer.transport(), run.replies);
    Mailer delivery = Mailer.builder().name(mailer.name()).transport(recording).build();
    while (!stopping) {
      OutboxWorker w = OutboxWorker.builder(box, delivery).threads(threads).schedule(schedule)
          .listener((m, o) -> attempted(run, m, o)).build();
      worker = w;
      if (stopping) break;
      try {
        w.runOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
      // Rows another worker holds (or held when it died: its lease runs out) are waited for.
      boolean held = false;
      for (Map.Entry<String, Integer> q : run.rowOfQueueId.entrySet()) {
        if (run.get(q.getValue()).status() != Status.PENDING) continue;
        Optional<QueuedMessage> m = box.find(q.getKey());
        if (m.isPresent() && (m.get().state() == QueuedMessage.State.ACTIVE || m.get().state() == QueuedMessage.State.QUEUED)) {
          held = true;
          break;
        }
      }
      if (!held) break;
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private void attempted(Run run, QueuedMessage m, Outcome o) {
    Integer n = m.id().startsWith(Direct.PREFIX) ? Integer.valueOf(m.id().substring(Direct.PREFIX.length())) : run.rowOfQueueId.get(m.id());
    if (n == null) return; // another message of a shared queue
    RowOutcome before = run.get(n);
    RowOutcome after;
    if (!o.pending().isEmpty()) {
      after = new RowOutcome(n, before.recipient(), before.messageId(), Status.DEFERRED, String.valueOf(o.error()));
    } else if (o.accepted().isEmpty() && m.delivered().isEmpty()) {
      after = new RowOutcome(n, before.recipient(), before.messageId(), Status.REFUSED, reasons(o.failed(), o.error()));
    } else {
      String reply = run.replies.remove(m.messageId());
      if (reply == null) reply = o.summary();
      if (!o.failed().isEmpty()) reply = reply + "; refused: " + reasons(o.failed(), null);
      after = new RowOutcome(n, before.recipient(), before.messageId(), Status.SENT, reply);
    }
    try {
      run.set(after, true);
    } catch (IOException e) {
      throw new LocalIoException("cannot write the ledger of batch " + batchId + ": " + e.getMessage(), e);
    }
    run.tell();
  }

  private static String reasons(Map<String, String> failed, String error) {
    if (failed.isEmpty()) return String.valueOf(error);
    StringBuilder b = new StringBuilder();
    failed.forEach((r, why) -> b.append(b.length() == 0 ? "" : "; ").append(r).append(": ").append(why));
    return b.toString();
  }

  /** Rows the worker did not report on (another worker sent them, or a run died before its ledger line): asked of the queue. */
  private void resolve(Run run, Outbox box) throws IOException {
    for (Map.Entry<String, Integer> q : run.rowOfQueueId.entrySet()) {
      RowOutcome o = run.get(q.getValue());
      if (o.status() != Status.PENDING) continue;
      Optional<QueuedMessage> m = box.find(q.getKey());
      if (m.isEmpty() && box.removedByKey(key(o.row()))) {
        run.set(new RowOutcome(o.row(), o.recipient(), o.messageId(), Status.SKIPPED, "removed from the queue by an operator; not sent"), false);
      } else if (m.isEmpty()) {
        run.set(new RowOutcome(o.row(), o.recipient(), o.messageId(), Status.SENT, "delivered (by the queue; no reply recorded)"), false);
      } else if (m.get().state() == QueuedMessage.State.DEFERRED) {
        run.set(new RowOutcome(o.row(), o.recipient(), o.messageId(), Status.DEFERRED, String.valueOf(m.get().lastError())), false);
      } else if (m.get().state() == QueuedMessage.State.FAILED) {
        run.set(new RowOutcome(o.row(), o.recipient(), o.messageId(), Status.REFUSED, reasons(m.get().failed(), m.get().lastError())), false);
      }
    }
  }

  /**
   * The batch's outbox while it delivers: its rows not yet stored, in front of its spool. A claim takes the
   * next row (its message rendered here, on the worker's claim-ahead thread, while the previous one is
   * being sent) after the ledger has noted it, then the spool's due messages. An attempt that delivers the
   * row stores nothing (the ledger notes the outcome); one that does not stores the row in the spool, under
   * its key, deferred or failed as that attempt left it. A run killed after the ledger's note and before
   * the outcome's sends the row again on the next run: at least once, as a queue's worker killed after
   * a send, and only that row. The rest (inspection, housekeeping) is the spool's.
   */
  private final class Direct implements Outbox {
    static final String PREFIX = "row-";
    /** After the last row in {@link #rows}. */
    static final Object END = new Object();
    private final Run run;
    private final SpoolOutbox spool;
    private final BlockingQueue<Object> rows;
    private boolean ended;

    /** @param rows {@link Ready} rows and {@link RowError}s, in row order, then {@link #END} */
    Direct(Run run, SpoolOutbox spool, BlockingQueue<Object> rows) {
      this.run = run;
      this.spool = spool;
      this.rows = rows;
    }

    /** The next row, waiting for it to be rendered; null after the last one or once stopping. */
    private synchronized Object next() {
      while (!ended && !stopping) {
        try {
          Object o = rows.poll(100, TimeUnit.MILLISECONDS);
          if (o == END) ended = true;
          else if (o != null) return o;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // a worker closing: its claim-ahead is cancelled
          return null;
        }
      }
      return null;
    }

    private record RowClaim(QueuedMessage message, MessageContent content, Ready ready) implements Claim { }

    private volatile LocalIoException failure;

    /** A row the worker could not take (the ledger could not be written): what ended the run, said after it. */
    void rethrow() {
      if (failure != null) throw failure;
    }

    @Override public Optional<Claim> claim() {
      try {
        return nextClaim();
      } catch (LocalIoException e) {
        failure = e; // the worker logs it and stops claiming; send() reports it
        throw e;
      }
    }

    private Optional<Claim> nextClaim() {
      Object item;
      while ((item = next()) != null) {
        if (item instanceof RowError e) {
          set(new RowOutcome(e.row(), e.recipient(), "", Status.SKIPPED, e.message()));
          continue;
        }
        Ready r = (Ready) item;
        int n = r.row().number();
        try {
          if (resumeIfStored(run, spool, r)) continue;
        } catch (IOException e) {
          throw new LocalIoException("cannot write the ledger of batch " + batchId + ": " + e.getMessage(), e);
        }
        run.put(new RowOutcome(n, r.recipients(), r.email().messageId().orElseThrow(), Status.PENDING, ""));
        Envelope envelope = Envelope.of(r.email());
        MessageContent content;
        try {
          content = r.email().render();
        } catch (MailException | IllegalArgumentException | IllegalStateException e) {
          set(new RowOutcome(n, r.recipients(), r.email().messageId().orElse(""), Status.SKIPPED, RowError.of(n, r.recipients(), e)
              .message()));
          continue;
        }
        String messageId = r.email().messageId().orElseThrow();
        try {
          run.ledger.queued(n, r.hash(), key(n), "", messageId, r.recipients());
        } catch (IOException e) {
          throw new LocalIoException("cannot write the ledger of batch " + batchId + ": " + e.getMessage(), e);
        }
        java.time.Instant now = java.time.Instant.now();
        return Optional.of(new RowClaim(new QueuedMessage(PREFIX + n, messageId, QueuedMessage.State.ACTIVE, envelope.sender(),
            envelope.recipients(), List.of(), Map.of(), now, 0, null, null, List.of(), Math.max(0, content.knownSize()), null), content, r));
      }
      if (Thread.currentThread().isInterrupted()) return Optional.empty(); // a worker closing; the spool's files are not for an interrupted thread
      return spool.claim();
    }

    @Override public void record(Claim claim, Outcome outcome) {
      if (!(claim instanceof RowClaim c)) {
        spool.record(claim, outcome);
        return;
      }
      if (outcome.done()) return;
      int n = c.ready().row().number();
      Outbox.Keyed k = spool.enqueueAttempted(key(n), new Envelope(c.message().sender(), c.message().pending()), c.content(), outcome);
      run.rowOfQueueId.put(k.id(), n);
      try {
        run.ledger.queued(n, c.ready().hash(), key(n), k.id(), c.message().messageId(), c.ready().recipients());
      } catch (IOException e) {
        // The spool has it under its key: the next run finds it there.
        throw new LocalIoException("cannot write the ledger of batch " + batchId + ": " + e.getMessage(), e);
      }
    }

    private void set(RowOutcome o) {
      try {
        run.set(o, false);
      } catch (IOException e) {
        throw new LocalIoException("cannot write the ledger of batch " + batchId + ": " + e.getMessage(), e);
      }
    }

    @Override public String enqueue(Envelope envelope, MessageContent content) { return spool.enqueue(envelope, content); }
    @Override public String describe() { return spool.describe(); }
    @Override public void close() { } // the spool is closed by its owner
    @Override public void renew() { spool.renew(); }
    @Override public void cleanUp() { spool.cleanUp(); }
    @Override public int recoverExpired() { return spool.recoverExpired(); }
    @Override public List<QueuedMessage> list() { return spool.list(); }
    @Override public Optional<QueuedMessage> find(String id) { return spool.find(id); }
    @Override public boolean retry(String id) { return spool.retry(id); }
    @Override public int retryAll() { return spool.retryAll(); }
    @Override public int flush() { return spool.flush(); }
    @Override public boolean remove(String id) { return spool.remove(id); }
    @Override public Stats stats() { return spool.stats(); }
  }

  /** The profile's transport, noting each server reply by Message-ID for the report. */
  private static final class RecordingReplies implements Transport {
    private final Transport delegate;
    private final Map<String, String> replies;

    RecordingReplies(Transport delegate, Map<String, String> replies) {
      this.delegate = delegate;
      this.replies = replies;
    }

    @Override public SendReceipt send(Envelope envelope, MessageContent content) {
      SendReceipt r = delegate.send(envelope, content);
      if (r.messageId() != null) replies.put(r.messageId(), r.serverReply() == null ? "accepted by " + r.via() : r.serverReply());
      return r;
    }

    @Override public String describe() { return delegate.describe(); }

    @Override public void close() { } // the caller's mailer owns the transport
  }

  /** Configures a {@link MailMerge}. */
  public static final class Builder {
    private final Path template;
    private final Path data;
    private Mailer mailer;
    private Outbox outbox;
    private Path state;
    private String batchId;
    private int limit;
    private int threads = 1;
    private RetrySchedule schedule = RetrySchedule.DEFAULT;
    private Listener listener;

    private Builder(Path template, Path data) {
      this.template = Objects.requireNonNull(template, "template");
      this.data = Objects.requireNonNull(data, "data");
    }

    /** Its defaults (from, reply-to, headers) apply to every row; its transport delivers them. */
    public Builder mailer(Mailer mailer) { this.mailer = mailer; return this; }

    /** Where rows are queued (a store that keeps keys, such as {@link SpoolOutbox}); default: a spool of the batch's own. */
    public Builder outbox(Outbox outbox) { this.outbox = outbox; return this; }

    /** The directory of batches (see {@link #defaultStateDirectory}); each batch's ledger is in a directory of its id. */
    public Builder stateDirectory(Path dir) { this.state = dir; return this; }

    /** Names the batch; by default its id comes from the template's and the data file's paths. */
    public Builder batchId(String id) {
      if (id != null && !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
        throw new IllegalArgumentException("a batch name is letters, digits, '.', '_' and '-' (at most 64): '" + id + "'");
      }
      this.batchId = id;
      return this;
    }

    /** Only the first {@code n} rows; 0 for all. */
    public Builder limit(int n) {
      if (n < 0) throw new IllegalArgumentException("limit must not be negative");
      this.limit = n;
      return this;
    }

    /** Messages sent at once; the transport's pool and rate limit still apply. */
    public Builder threads(int n) {
      if (n < 1) throw new IllegalArgumentException("threads must be at least 1");
      this.threads = n;
      return this;
    }

    public Builder schedule(RetrySchedule schedule) { this.schedule = Objects.requireNonNull(schedule); return this; }

    public Builder listener(Listener listener) { this.listener = listener; return this; }

    public MailMerge build() { return new MailMerge(this); }
  }
}
