package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
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

  private record Pending(Job job, CompletableFuture<SendReceipt> future) { }

  public Dispatcher(SmtpSettings settings, Pool pool) {
    this.settings = settings;
    this.pool = pool;
    this.throttle = new Throttle(settings.rateLimit());
  }

  /** Sends one job on the calling thread, retrying as configured. */
  public SendReceipt send(Job job) {
    while (true) {
      boolean reused = false;
      int before = job.attempts();
      try {
        throttle.acquire();
        Session s = pool.acquire();
        try {
          reused = s.reused();
          s.transfer(List.of(job));
        } finally {
          pool.release(s);
        }
      } catch (MailException e) {
        job.fail(e, false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted();
      }
      long delay = after(job, reused, job.done() || job.attempts() != before);
      if (delay < 0) {
        if (job.receipt() != null) return job.receipt();
        throw job.failure();
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
    boolean progressed = true;  // false when the session tried none of the chunk's messages
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
        int[] before = new int[jobs.size()];
        for (int i = 0; i < before.length; i++) before[i] = jobs.get(i).attempts();
        s.transfer(jobs);
        progressed = false;
        for (int i = 0; i < before.length && !progressed; i++) progressed = jobs.get(i).attempts() != before[i];
      } finally {
        pool.release(s);
      }
    } catch (MailException e) {
      for (Pending p : chunk) if (!p.job.done()) p.job.fail(e, false);
    } catch (InterruptedException e) {
      for (Pending p : chunk) p.future.completeExceptionally(interrupted());
      return;
    } catch (RuntimeException e) {
      for (Pending p : chunk) if (!p.future.isDone()) p.future.completeExceptionally(e);
      return;
    }
    for (int i = chunk.size() - 1; i >= 0; i--) {
      Pending p = chunk.get(i);
      long delay = after(p.job, reused, progressed);
      if (delay < 0) {
        if (p.job.receipt() != null) p.future.complete(p.job.receipt());
        else p.future.completeExceptionally(p.job.failure());
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
   * After a run: -1 when the job is finished, else the delay in ms before trying it again.
   *
   * @param progressed false when the session tried none of its messages (it broke before the first)
   */
  long after(Job j, boolean reusedConnection, boolean progressed) {
    if (j.receipt() != null) return -1;
    if (!j.done()) {
      // The connection broke on another message, before this one's turn: it was not sent, and that
      // is no attempt of its own. Back to the front of the queue, for the next connection.
      if (progressed) {
        j.unattempted = 0;
        return 0;
      }
      if (++j.unattempted <= MAX_UNATTEMPTED) return backoff(j.unattempted);
      j.fail(new TransientMailException(Reason.CONNECTION_LOST, "no working connection to " + settings.host() + ":" + settings.port()
          + " could take the message: " + MAX_UNATTEMPTED + " connections in a row broke before sending anything; try again later", null),
          false);
      return -1;
    }
    MailException f = j.failure();
    if (!(f instanceof TransientMailException) || j.uncertain() || closed) return -1;
    boolean connectionLevel = f.replyCode() == 0 || f.replyCode() == 421;
    if (reusedConnection && connectionLevel && !j.staleRetried && f.reason() != Reason.CONNECTION_REFUSED) {
      // A kept-alive connection the server had dropped: not the message's fault.
      j.staleRetried = true;
      j.rearm();
      return 0;
    }
    if (++j.failedAttempts >= settings.retry().attempts()) return -1;
    j.rearm();
    return backoff(j.failedAttempts);
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
