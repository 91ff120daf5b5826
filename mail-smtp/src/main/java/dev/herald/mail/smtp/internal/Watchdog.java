package dev.herald.mail.smtp.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Socket writes do not time out: a server that stops reading would block a write forever; and
 * plaintext reads run without a socket timeout (see {@link Connection}). One daemon thread closes the
 * socket of any connection whose write or read is overdue, checking five times a second. Plaintext reads
 * depend on it entirely, so it must not die: a failure inside a check is survived, and a thread that
 * is gone (or could not be started) is started again by the next {@link #watch}.
 */
final class Watchdog {
  private static final Set<Connection> WATCHED = ConcurrentHashMap.newKeySet();
  private static Thread thread;

  private Watchdog() { }

  static void watch(Connection s) {
    WATCHED.add(s);
    synchronized (Watchdog.class) {
      if (thread == null || !thread.isAlive()) {
        Thread t = new Thread(Watchdog::run, "herald-smtp-watchdog");
        t.setDaemon(true);
        t.start(); // if this throws (no native thread), the next watch() tries again
        thread = t;
      }
    }
  }

  static void forget(Connection s) {
    WATCHED.remove(s);
  }

  private static void run() {
    while (true) {
      LockSupport.parkNanos(200_000_000L);
      long now = System.nanoTime();
      for (Connection s : WATCHED) {
        try {
          s.abortIfOverdue(now);
        } catch (Throwable e) {
          // One session's failure to close must not stop the watch over all the others.
        }
      }
    }
  }
}
