package dev.herald.mail.smtp.internal;

import dev.herald.mail.Printable;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.TraceListener.Direction;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Sends each protocol line to the {@link TraceListener} and to the JDK platform logger
 * {@code dev.herald.mail.smtp} at DEBUG. Callers pass lines already redacted; when nobody listens,
 * nothing is formatted.
 */
public final class Trace {
  private static final Logger LOG = System.getLogger("dev.herald.mail.smtp");
  /** Shown instead of AUTH payloads and passwords. */
  public static final String REDACTED = "<redacted>";

  private final TraceListener listener;
  private final boolean toListener;
  private final String prefix;

  public Trace(TraceListener listener, String prefix) {
    this.listener = listener == null ? TraceListener.NONE : listener;
    this.toListener = this.listener != TraceListener.NONE;
    this.prefix = prefix;
  }

  /** True when a line would go anywhere; check before building an expensive one. */
  public boolean enabled() {
    return toListener || LOG.isLoggable(Level.DEBUG);
  }

  public void client(String line) { emit(Direction.CLIENT, line); }

  public void server(String line) { emit(Direction.SERVER, line); }

  public void info(String line) { emit(Direction.INFO, line); }

  private void emit(Direction d, String raw) {
    if (!toListener && !LOG.isLoggable(Level.DEBUG)) return;  // every reply line passes here: nothing to do unless traced
    // Server lines (and anything quoted from them) reach terminals and logs: control characters escaped.
    String line = Printable.escape(raw);
    if (toListener) listener.line(d, line);
    if (LOG.isLoggable(Level.DEBUG)) {
      char mark = d == Direction.CLIENT ? '>' : d == Direction.SERVER ? '<' : '*';
      LOG.log(Level.DEBUG, prefix + mark + " " + line);
    }
  }
}
