package dev.herald.mail.cli;

import dev.herald.mail.merge.MailMerge;
import dev.herald.mail.merge.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows a batch's progress on stderr: on a terminal a bar redrawn in place (done / failed / remaining,
 * rate, time left), at most ten times a second; otherwise one line every {@code every} messages.
 */
final class BatchProgress implements MailMerge.Listener {
  enum Mode { BAR, LINES, NONE }

  private static final int WIDTH = 24;
  private final PrintStream err;
  private final Mode mode;
  private final int every;
  private long lastDraw;
  private int lastReported = -1;
  private boolean drawn;

  BatchProgress(PrintStream err, Mode mode, int every) {
    this.err = err;
    this.mode = mode;
    this.every = every;
  }

  @Override public synchronized void progress(Progress p) {
    int done = p.total() - p.remaining();
    if (mode == Mode.BAR) {
      long now = System.nanoTime();
      if (drawn && p.remaining() > 0 && now - lastDraw < 100_000_000L) return;
      lastDraw = now;
      drawn = true;
      err.print("\r" + bar(p) + "\033[K");
      err.flush();
    } else if (mode == Mode.LINES) {
      if (done == lastReported || (done / every == lastReported / every && p.remaining() > 0) || done == 0) return;
      lastReported = done;
      err.println("herald: " + done + "/" + p.total() + " done: " + p.sent() + " sent, " + p.failed() + " failed, "
          + p.deferred() + " deferred, " + p.remaining() + " left" + rate(p));
    }
  }

  /** Ends the bar's line, so that what follows starts on a line of its own. */
  synchronized void finish() {
    if (mode == Mode.BAR && drawn) {
      err.println();
      err.flush();
    }
  }

  static String bar(Progress p) {
    int done = p.total() - p.remaining();
    int filled = p.total() == 0 ? WIDTH : (int) ((long) done * WIDTH / p.total());
    return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + p.total() + "  sent " + p.sent()
        + "  failed " + p.failed() + (p.deferred() > 0 ? "  deferred " + p.deferred() : "") + "  left " + p.remaining() + rate(p);
  }

  private static String rate(Progress p) {
    if (p.sentNow() == 0) return "";
    String r = String.format(Locale.ROOT, "  %.1f/s", p.rate());
    return r + p.timeLeft().filter(d -> p.remaining() > 0).map(d -> "  " + clock(d) + " left").orElse("");
  }

  static String clock(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
