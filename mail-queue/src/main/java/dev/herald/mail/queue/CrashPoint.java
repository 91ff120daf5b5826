package dev.herald.mail.queue;

/**
 * Fault injection for the crash tests: with {@code -Dherald.queue.crash-at=NAME}, the process halts
 * at that point as {@code kill -9} would leave it (no shutdown hooks, nothing flushed). The one
 * point that a test cannot reach from outside by timing: {@code after-send}, when the server has
 * answered the end of data but the queue has not yet recorded it.
 */
final class CrashPoint {
  private static final String AT = System.getProperty("herald.queue.crash-at");

  private CrashPoint() {}

  static void reached(String name) {
    if (name.equals(AT)) Runtime.getRuntime().halt(137);
  }
}
