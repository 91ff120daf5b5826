package dev.herald.mail.smtp.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Socket reads time out by themselves, writes do not: a server that stops reading would block a
 * write forever. One daemon thread closes the socket of any session whose write is overdue.
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
      for (Session s : WATCHED) s.abortIfWriteOverdue(now);
    }
  }
}
