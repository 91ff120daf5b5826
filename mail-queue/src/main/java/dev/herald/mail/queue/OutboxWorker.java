package dev.herald.mail.queue;

import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.Mailer;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.Envelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Drains an {@link Outbox} through a {@link Mailer}: claims each due message, sends it to its
 * pending recipients, and records the outcome. A transient failure (a 4xx reply, a timeout, a lost
 * connection, a refused connection or an unreachable network) defers the message on the
 * {@link RetrySchedule} until its maximum age. So do failures of the way to the server rather than
 * of the message, though permanent for a direct send (an unknown host: the laptop that is offline;
 * authentication, TLS, configuration),
 * as Postfix's soft bounce does: fixing the account must not lose the mail. A permanent failure of
 * the message (a 5xx reply, invalid content) fails it at once; in a partial delivery only the
 * recipients refused with a 4xx are tried again.
 *
 * <pre>{@code
 * try (OutboxWorker w = OutboxWorker.builder(outbox, mailer).threads(2).build().start()) {
 *   …                                          // close() finishes the messages in hand, then stops
 * }
 * }</pre>
 */
public final class OutboxWorker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(OutboxWorker.class.getName());

  /** Told of every attempt, on the worker's thread. */
  @FunctionalInterface
  public interface Listener {
    void attempted(QueuedMessage message, Outcome outcome);
  }

  private final Outbox outbox;
  private final Mailer mailer;
  private final RetrySchedule schedule;
  private final int threads;
  private final Duration poll;
  private final Clock clock;
  private final Listener listener;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final Object wake = new Object();
  private final List<Thread> running = new ArrayList<>();
  private volatile boolean stopping;
  private volatile boolean once;
  private CountDownLatch done;
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile long lastClaim = System.nanoTime();

  private OutboxWorker(Builder b) {
    this.outbox = b.outbox;
    this.mailer = b.mailer;
    this.schedule = b.schedule;
    this.threads = b.threads;
    this.poll = b.poll;
    this.clock = b.clock;
    this.listener = b.listener;
  }

  public static Builder builder(Outbox outbox, Mailer mailer) { return new Builder(outbox, mailer); }

  /** Starts the worker threads (and one that renews the lease); they poll until {@link #close()}. */
  public synchronized OutboxWorker start() {
    if (done != null) throw new IllegalStateException("already started");
    outbox.recoverExpired();
    launch(false);
    return this;
  }

  /**
   * Sends every message that is due now on the worker's threads, then returns: {@code herald queue run --once}.
   *
   * @return how many attempts were made
   */
  public int runOnce() throws InterruptedException {
    synchronized (this) {
      if (done != null) throw new IllegalStateException("already started");
      outbox.recoverExpired();
      launch(true);
    }
    try {
      done.await();
    } finally {
      close();
    }
    return attempts.get();
  }

  /** How many attempts this worker has made so far. */
  public int attempts() { return attempts.get(); }

  private void launch(boolean untilEmpty) {
    once = untilEmpty;
    done = new CountDownLatch(threads);
    outbox.renew();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::drain, "herald-outbox-worker-" + i);
      running.add(t);
    }
    Thread lease = new Thread(this::renewLease, "herald-outbox-lease");
    lease.setDaemon(true); // it only renews; close() stops it all the same
    running.add(lease);
    running.forEach(Thread::start);
  }

  /**
   * One worker thread. The next claim (file or database work) is made on a helper thread while the
   * current message is being sent, so the two overlap; a claim made is always attempted, also when
   * the worker is stopping (it is a message in hand).
   */
  private void drain() {
    String name = Thread.currentThread().getName();
    ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name + "-claim");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<Optional<Outbox.Claim>> next = null;
      while (!stopping || next != null) {
        Optional<Outbox.Claim> claim = next != null ? await(next) : claimNext();
        next = null;
        if (claim.isPresent()) {
          lastClaim = System.nanoTime();
          if (!stopping) next = ahead.submit(this::claimNext);
          attempt(claim.get());
        } else if (once) {
          return;
        } else {
          pause(poll);
        }
      }
    } finally {
      ahead.shutdownNow();
      try {
        ahead.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      done.countDown();
    }
  }

  private Optional<Outbox.Claim> claimNext() {
    try {
      return outbox.claim();
    } catch (MailException e) {
      LOG.log(System.Logger.Level.WARNING, e.getMessage());
      return Optional.empty();
    }
  }

  /** The claim made ahead; waited for without interruption, since a claim made must not be dropped. */
  private static Optional<Outbox.Claim> await(Future<Optional<Outbox.Claim>> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) throw r;
          if (e.getCause() instanceof Error err) throw err;
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /**
   * The housekeeping thread: renews the lease every second, and lets the store clean up when the
   * workers are idle (at least every 30 s): deleting files costs more than sending on some disks,
   * and a burst drains faster without it.
   */
  private void renewLease() {
    int ticks = 0;
    while (!stopping && done.getCount() > 0) {
      pause(Duration.ofSeconds(1));
      try {
        outbox.renew();
        boolean idle = System.nanoTime() - lastClaim > TimeUnit.SECONDS.toNanos(1);
        if (idle || ++ticks % 30 == 0) outbox.cleanUp();
      } catch (MailException e) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage());
      }
    }
    // No last clean-up on the way out: stopping waits for no deletion; the next worker's start does it.
  }

  private void pause(Duration d) {
    synchronized (wake) {
      if (stopping) return;
      try {
        wake.wait(Math.max(1, d.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }

  /** One attempt: send to the pending recipients, classify what happened, record it. */
  void attempt(Outbox.Claim claim) {
    QueuedMessage m = claim.message();
    Outcome outcome;
    try {
      SendReceipt receipt = mailer.send(new Envelope(m.sender(), m.pending()), claim.content());
      CrashPoint.reached("after-send");
      outcome = afterReceipt(m, receipt);
    } catch (MailException e) {
      outcome = afterFailure(m, e);
    } catch (RuntimeException e) {
      // A bug of ours or of a transport: keep the message and say so, rather than lose it.
      LOG.log(System.Logger.Level.ERROR, "sending " + m.id() + " failed unexpectedly", e);
      outcome = afterFailure(m, new TransientMailException(Reason.INTERNAL, "unexpected failure: " + e, e));
    }
    attempts.incrementAndGet();
    if (!record(claim, outcome)) return;
    if (listener != null) listener.attempted(m, outcome);
  }

  /**
   * Records an attempt, trying again a few times with backoff when the store fails (a full disk, a
   * database restarting). Not releasing the claim instead: the message may have been delivered, and
   * a released claim is sent again at once; a recording that succeeds late sends nothing twice. When
   * every try fails the claim stays, and the message is sent again once its lease has expired.
   */
  private boolean record(Outbox.Claim claim, Outcome outcome) {
    long pause = RECORD_FIRST_PAUSE_MS;
    for (int tried = 1; ; tried++) {
      try {
        outbox.record(claim, outcome);
        return true;
      } catch (MailException e) {
        if (tried == RECORD_TRIES) {
          LOG.log(System.Logger.Level.ERROR, e.getMessage() + " (gave up after " + tried + " tries; "
              + claim.message().id() + " is attempted again when its claim has expired)");
          return false;
        }
        LOG.log(System.Logger.Level.WARNING, e.getMessage() + " (trying again in " + pause + " ms)");
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = Math.min(pause * 2, 5_000);
    }
  }

  private static final int RECORD_TRIES = 6;
  private static final long RECORD_FIRST_PAUSE_MS = 200;

  private Outcome afterReceipt(QueuedMessage m, SendReceipt r) {
    Map<String, String> failed = new LinkedHashMap<>();
    List<String> pending = new ArrayList<>();
    StringBuilder summary = new StringBuilder("accepted by ").append(r.via()).append(" for ").append(r.accepted().size())
        .append(" recipient(s)");
    String error = null;
    for (SendReceipt.Rejection x : r.rejected()) {
      String reply = x.code() + (x.enhancedCode() == null ? "" : " " + x.enhancedCode()) + " " + x.text();
      if (x.code() >= 500) failed.put(x.recipient(), reply);
      else pending.add(x.recipient());
      summary.append("; ").append(x.recipient()).append(" refused: ").append(reply);
      error = x.recipient() + ": " + reply;
    }
    Instant next = pending.isEmpty() ? null : schedule.next(m.created(), m.attempts() + 1, clock.instant(), random);
    if (!pending.isEmpty() && next == null) {
      for (String p : pending) failed.put(p, "gave up after " + schedule.maxAge() + ": " + error);
      pending.clear();
    }
    if (next != null) summary.append("; next attempt ").append(next.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    return new Outcome(r.accepted(), pending, failed, next, error, summary.toString());
  }

  private Outcome afterFailure(QueuedMessage m, MailException e) {
    String error = describe(e);
    if (permanent(e)) {
      Map<String, String> failed = new LinkedHashMap<>();
      if (e instanceof RecipientsRejectedException rr && rr.receipt() != null) {
        for (SendReceipt.Rejection x : rr.receipt().rejected()) {
          failed.put(x.recipient(), x.code() + (x.enhancedCode() == null ? "" : " " + x.enhancedCode()) + " " + x.text());
        }
      }
      for (String p : m.pending()) failed.putIfAbsent(p, error);
      return new Outcome(List.of(), List.of(), failed, null, error, "failed permanently: " + error);
    }
    Instant next = schedule.next(m.created(), m.attempts() + 1, clock.instant(), random);
    if (next == null) {
      Map<String, String> failed = new LinkedHashMap<>();
      for (String p : m.pending()) failed.put(p, "gave up after " + schedule.maxAge() + ": " + error);
      return new Outcome(List.of(), List.of(), failed, null, error, "gave up (older than " + schedule.maxAge() + "): " + error);
    }
    return new Outcome(List.of(), m.pending(), Map.of(), next, error,
        "deferred: " + error + "; next attempt " + next.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  /**
   * Permanent for the message: a 5xx reply about it or its recipients, or content that cannot be
   * sent. Not so a failure of the way there, even one a transport does not retry: an unknown host
   * (an offline laptop's DNS), a refused connection, authentication, TLS, configuration: those are
   * deferred until max-age, so that fixing a password or the network loses no mail. By reason, not
   * by class: a new reason fails compilation here until it is placed.
   */
  static boolean permanent(MailException e) {
    return switch (e.reason()) {
      // A transient class with such a reason contradicts itself: kept, since losing mail is the worse error.
      case SERVER_PERMANENT, MESSAGE_TOO_LARGE, REJECTED_RECIPIENTS, INVALID_MESSAGE, INPUT_NOT_FOUND ->
          !(e instanceof TransientMailException);
      case UNKNOWN_HOST, CONNECTION_REFUSED, TIMEOUT, CONNECTION_LOST, SERVER_TRANSIENT, AUTH_FAILED, TLS_UNAVAILABLE,
          TLS_UNTRUSTED, TLS_FAILED, MALFORMED_REPLY, LOCAL_IO, CONFIG, CANCELLED, INTERNAL -> false;
    };
  }

  private static String describe(MailException e) {
    String s = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return s.replace('\r', ' ').replace('\n', ' ');
  }

  /**
   * Stops: no new claims; the messages in hand are finished and recorded; the threads are joined.
   * Waits at most 30 seconds past the longest send; idempotent.
   */
  @Override public void close() {
    stopping = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    List<Thread> ts;
    synchronized (this) {
      ts = new ArrayList<>(running);
    }
    for (Thread t : ts) {
      if (t == Thread.currentThread()) continue;
      try {
        t.join(TimeUnit.MINUTES.toMillis(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Configures an {@link OutboxWorker}. */
  public static final class Builder {
    private final Outbox outbox;
    private final Mailer mailer;
    private RetrySchedule schedule = RetrySchedule.DEFAULT;
    private int threads = 1;
    private Duration poll = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private Listener listener;

    private Builder(Outbox outbox, Mailer mailer) {
      this.outbox = Objects.requireNonNull(outbox, "outbox");
      this.mailer = Objects.requireNonNull(mailer, "mailer");
    }

    public Builder schedule(RetrySchedule schedule) { this.schedule = Objects.requireNonNull(schedule); return this; }

    /** Messages sent at once (each thread one at a time); the transport's pool and rate limit still apply. */
    public Builder threads(int n) {
      if (n < 1) throw new IllegalArgumentException("threads must be at least 1");
      this.threads = n;
      return this;
    }

    /** How long an idle worker waits before it looks for due messages again (default 5 s). */
    public Builder pollInterval(Duration d) { this.poll = Objects.requireNonNull(d); return this; }

    public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    public Builder listener(Listener listener) { this.listener = listener; return this; }

    public OutboxWorker build() { return new OutboxWorker(this); }
  }
}
