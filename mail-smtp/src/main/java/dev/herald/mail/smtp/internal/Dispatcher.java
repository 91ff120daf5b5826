package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException.Reason;
import dev.herald.mail.MailException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs jobs over the {@link Pool}: synchronously on the caller's thread, or queued for up to
 * {@code max-connections} daemon workers that each take a run of queued messages and pipeline
 * them over one connection. Applies the rate limit and the retry policy: transient failures are
 * tried again with exponential backoff and jitter, a stale reused connection once for free, and
 * a message whose end of data went unanswered never. A message is charged only for its own
 * attempts: one left unsent because the connection broke on another message goes back to the
 * front of the queue at once, at no cost to it.
 */
public final class Dispatcher implements AutoCloseable {
  private static final int CHUNK = 64;
  // Runs in a row in which a message's connection broke before any message on it was tried: the
  // only way a message can be requeued without progress, so the only one that needs a limit.
  private static final int MAX_UNATTEMPTED = 3;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final SmtpSettings settings;
  private final Pool pool;
  private final Throttle throttle;
  private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
  private int workers;
  private int idleWorkers;
  private volatile boolean closed;

  /** A message in the dispatcher's hands: the job, its future (none for {@link #send}), and its tries so far. */
  static final class Pending {
    final Job job;
    final CompletableFuture<SendReceipt> future;
    // Runs in a row whose connection broke before any of its messages was tried (see MAX_UNATTEMPTED).
    int unattempted;
    int failedAttempts;
    boolean staleRetried;
    // The attempt that ends it, once after() says it is finished.
    Attempt last;

    Pending(Job job, CompletableFuture<SendReceipt> future) {
      this.job = job;
      this.future = future;
    }

    /** Completes the future with the final attempt. */
    void complete() {
      if (last.outcome() == Attempt.Outcome.SENT) future.complete(last.receipt());
      else future.completeExceptionally(last.failure());
    }
  }

  public Dispatcher(SmtpSettings settings, Pool pool) {
    this.settings = settings;
    this.pool = pool;
    this.throttle = new Throttle(settings.rateLimit());
  }

  /** Sends one job on the calling thread, retrying as configured. */
  public SendReceipt send(Job job) {
    Pending p = new Pending(job, null);
    while (true) {
      boolean reused = false;
      Attempt a;
      try {
        throttle.acquire();
        Session s = pool.acquire();
        try {
          reused = s.reused();
          a = s.transfer(List.of(job)).get(0);
        } finally {
          pool.release(s);
        }
      } catch (MailException e) {
        a = Attempt.failed(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted();
      }
      long delay = after(p, a, reused, a.attempted());
      if (delay < 0) {
        if (p.last.outcome() == Attempt.Outcome.SENT) return p.last.receipt();
        throw p.last.failure();
      }
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw interrupted();
        }
      }
    }
  }

  /** Queues a job for the workers. */
  public CompletableFuture<SendReceipt> submit(Job job) {
    CompletableFuture<SendReceipt> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(closedFailure());
      return f;
    }
    queue.addLast(new Pending(job, f));
    startWorkerIfNeeded();
    return f;
  }

  private void startWorkerIfNeeded() {
    synchronized (this) {
      if (closed || workers >= settings.maxConnections() || idleWorkers > 0) return;
      workers++;
    }
    Thread t = new Thread(this::work, "herald-smtp-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.start();
  }

  private void work() {
    try {
      while (!closed) {
        Pending first;
        synchronized (this) { idleWorkers++; }
        try {
          first = queue.pollFirst(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          return;
        } finally {
          synchronized (this) { idleWorkers--; }
        }
        if (first == null) {
          if (queue.isEmpty()) return;
          continue;
        }
        runChunk(first);
      }
    } finally {
      synchronized (this) { workers--; }
      if (!queue.isEmpty() && !closed) startWorkerIfNeeded();
    }
  }

  private void runChunk(Pending first) {
    List<Pending> chunk = new ArrayList<>();
    chunk.add(first);
    boolean reused = false;
    List<Attempt> attempts = null;
    try {
      throttle.acquire();
      Session s = pool.acquire();
      try {
        reused = s.reused();
        int room = Math.min(CHUNK, s.remaining());
        while (chunk.size() < room) {
          Pending p = queue.pollFirst();
          if (p == null) break;
          if (!throttle.tryAcquire()) {
            queue.addFirst(p);
            break;
          }
          chunk.add(p);
        }
        List<Job> jobs = new ArrayList<>(chunk.size());
        for (Pending p : chunk) jobs.add(p.job);
        attempts = s.transfer(jobs);
      } finally {
        pool.release(s);
      }
    } catch (MailException e) {
      // No connection: every message of the run failed with it.
      attempts = new ArrayList<>(chunk.size());
      for (int i = 0; i < chunk.size(); i++) attempts.add(Attempt.failed(e));
    } catch (InterruptedException e) {
      for (Pending p : chunk) p.future.completeExceptionally(interrupted());
      return;
    } catch (RuntimeException e) {
      for (Pending p : chunk) if (!p.future.isDone()) p.future.completeExceptionally(e);
      return;
    }
    // False when the session tried none of the run's messages (it broke before the first).
    boolean progressed = false;
    for (Attempt a : attempts) progressed |= a.attempted();
    for (int i = chunk.size() - 1; i >= 0; i--) {
      Pending p = chunk.get(i);
      long delay = after(p, attempts.get(i), reused, progressed);
      if (delay < 0) {
        p.complete();
      } else if (delay == 0) {
        queue.addFirst(p);
      } else {
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> {
          if (closed) p.future.completeExceptionally(closedFailure());
          else {
            queue.addFirst(p);
            startWorkerIfNeeded();
          }
        });
      }
    }
  }

  /**
   * The retry decision after an attempt: -1 when the message is finished ({@link Pending#last}
   * then holds how it ended), else the delay in ms before trying it again.
   *
   * @param reusedConnection the attempt ran on a connection that had carried messages before
   * @param progressed false when the session tried none of its messages (it broke before the first)
   */
  long after(Pending p, Attempt a, boolean reusedConnection, boolean progressed) {
    p.last = a;
    switch (a.outcome()) {
      case SENT:
      case MAYBE_DELIVERED:
        return -1;
      case NOT_ATTEMPTED:
        // The connection broke on another message, before this one's turn: it was not sent, and that
        // is no attempt of its own. Back to the front of the queue, for the next connection.
        if (progressed) {
          p.unattempted = 0;
          return 0;
        }
        if (++p.unattempted <= MAX_UNATTEMPTED) return backoff(p.unattempted);
        p.last = Attempt.failed(new TransientMailException(Reason.CONNECTION_LOST, "no working connection to " + settings.host() + ":" + settings.port()
            + " could take the message: " + MAX_UNATTEMPTED + " connections in a row broke before sending anything; try again later", null));
        return -1;
      default:
        break;
    }
    MailException f = a.failure();
    if (!(f instanceof TransientMailException) || closed) return -1;
    boolean connectionLevel = f.replyCode() == 0 || f.replyCode() == 421;
    if (reusedConnection && connectionLevel && !p.staleRetried && f.reason() != Reason.CONNECTION_REFUSED) {
      // A kept-alive connection the server had dropped: not the message's fault.
      p.staleRetried = true;
      return 0;
    }
    if (++p.failedAttempts >= settings.retry().attempts()) return -1;
    return backoff(p.failedAttempts);
  }

  private long backoff(int failures) {
    return backoff(failures, settings.retry().backoff().toMillis(), settings.retry().maxBackoff().toMillis());
  }

  /** The wait before attempt {@code failures + 1}: doubling from {@code base}, capped, in the upper half at random. */
  static long backoff(int failures, long base, long maxMillis) {
    long max = Math.max(base, maxMillis);
    long d = base;
    for (int i = 1; i < failures && d < max; i++) d *= 2;
    d = Math.min(d, max);
    // Full jitter on the upper half: spreads clients that failed together.
    return d / 2 + (d > 1 ? ThreadLocalRandom.current().nextLong(d - d / 2 + 1) : d);
  }

  private static TransientMailException interrupted() {
    return new TransientMailException(Reason.CANCELLED, "interrupted while sending; the message was not sent", null);
  }

  private TransientMailException closedFailure() {
    return new TransientMailException(Reason.CANCELLED, "the SMTP transport was closed before the message was sent", null);
  }

  /** Fails queued jobs and closes the pool. */
  @Override public void close() {
    closed = true;
    Pending p;
    while ((p = queue.pollFirst()) != null) p.future.completeExceptionally(closedFailure());
    pool.close();
  }
}
