package dev.herald.mail.spi;

/**
 * Sees the protocol dialogue one line at a time. Transports call it with secrets replaced by
 * {@code <redacted>} and message content elided, so a listener may print what it gets.
 */
@FunctionalInterface
public interface TraceListener {

  /** Ignores everything. */
  TraceListener NONE = (direction, line) -> { };

  /** Who spoke. */
  enum Direction {
    /** The client sent it; shown as {@code > }. */
    CLIENT,
    /** The server sent it; shown as {@code < }. */
    SERVER,
    /** An event of the connection itself: connected, TLS established. Shown as {@code * }. */
    INFO
  }

  void line(Direction direction, String line);
}
