package dev.herald.mail.smtp.testing;

import dev.herald.mail.spi.TraceListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every trace line, prefixed as the CLI shows them ({@code > }, {@code < }, {@code * }). */
public final class RecordingTrace implements TraceListener {
  private final List<String> lines = new CopyOnWriteArrayList<>();

  @Override public void line(Direction direction, String line) {
    lines.add((direction == Direction.CLIENT ? "> " : direction == Direction.SERVER ? "< " : "* ") + line);
  }

  public List<String> lines() { return List.copyOf(lines); }

  public String text() { return String.join("\n", lines); }

  /** Client lines that start with {@code prefix}. */
  public long clientLines(String prefix) {
    return lines.stream().filter(l -> l.startsWith("> " + prefix)).count();
  }
}
