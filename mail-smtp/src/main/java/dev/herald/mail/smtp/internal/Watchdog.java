package dev.herald.mail.smtp.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Socket writes do not time out: a server that stops reading would block a write forever; and
 * plaintext reads run without a socket timeout (see {@link Session}). One daemon thread closes the
 * socket of any session whose write or read is overdue, checking five times a second.
 */
final class Watchdog {
  private static final Set<Session> WATCHED = ConcurrentHashMap.newKeySet();
  private static Thread thread;

  private Watchdog() { }

  static void watch(Session s) {
    WATCHED.add(s);
    synchronized (Watchdog.class) {
      if (thread == null) {
        thread = new Thread(Watchdog::run, "herald-smtp-watchdog");
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  static void forget(Session s) {
    WATCHED.remove(s);
  }

  private static void run() {
    while (true) {
      LockSupport.parkNanos(200_000_000L);
      long now = System.nanoTime();
      for (Session s : WATCHED) s.abortIfOverdue(now);
    }
  }
}
