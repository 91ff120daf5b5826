package dev.herald.mail.smtp.internal;

import dev.herald.mail.smtp.RateLimit;
import java.util.concurrent.locks.LockSupport;

/** Spreads messages evenly to honour a {@link RateLimit}: each takes the next free slot. Thread-safe. */
public final class Throttle {
  private final long intervalNanos;
  private long nextFree;

  public Throttle(RateLimit limit) {
    this.intervalNanos = limit.limited() ? limit.interval().toNanos() : 0;
    this.nextFree = System.nanoTime();
  }

  public boolean active() { return intervalNanos > 0; }

  /** Waits for a slot. */
  public void acquire() throws InterruptedException {
    if (intervalNanos == 0) return;
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long slot = Math.max(now, nextFree);
      nextFree = slot + intervalNanos;
      wait = slot - now;
    }
    while (wait > 0) {
      long start = System.nanoTime();
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) throw new InterruptedException();
      wait -= System.nanoTime() - start;
    }
  }

  /** Takes a slot only if one is free now. */
  public synchronized boolean tryAcquire() {
    if (intervalNanos == 0) return true;
    long now = System.nanoTime();
    if (nextFree - now > 0) return false;
    nextFree = now + intervalNanos;
    return true;
  }
}
