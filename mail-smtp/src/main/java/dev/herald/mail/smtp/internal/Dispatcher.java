package dev.herald.mail.smtp.internal;

import dev.herald.mail.HostUnreachableException;
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
 * a message whose end of data went unanswered never.
 */
public final class Dispatcher implements AutoCloseable {
  private static final int CHUNK = 64;
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
      long delay = after(job, reused);
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
        s.transfer(jobs);
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
      long delay = after(p.job, reused);
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

  /** After an attempt: -1 when the job is finished, else the delay in ms before trying it again. */
  long after(Job j, boolean reusedConnection) {
    if (j.receipt() != null) return -1;
    if (!j.done()) {
      // The connection broke before this job's turn; it was not sent. Try it on another.
      if (++j.unattempted <= MAX_UNATTEMPTED) return 0;
      j.fail(new TransientMailException("no working connection to " + settings.host() + ":" + settings.port()
          + " could take the message; try again later"), false);
      return -1;
    }
    MailException f = j.failure();
    if (!(f instanceof TransientMailException) || j.uncertain() || closed) return -1;
    boolean connectionLevel = f.replyCode() == 0 || f.replyCode() == 421;
    if (reusedConnection && connectionLevel && !j.staleRetried && !(f instanceof HostUnreachableException)) {
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
    return new TransientMailException("interrupted while sending; the message was not sent");
  }

  private TransientMailException closedFailure() {
    return new TransientMailException("the SMTP transport was closed before the message was sent");
  }

  /** Fails queued jobs and closes the pool. */
  @Override public void close() {
    closed = true;
    Pending p;
    while ((p = queue.pollFirst()) != null) p.future.completeExceptionally(closedFailure());
    pool.close();
  }
}
