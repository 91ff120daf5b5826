package dev.herald.mail.merge;

import dev.herald.mail.InputNotFoundException;

/**
 * Why one row cannot be sent.
 *
 * @param row the row's number
 * @param recipient the row's recipients as far as they could be rendered, or {@code ""}
 * @param message what is wrong, naming the field or the file, without the row number
 * @param kind what kind of problem it is (the CLI's exit code follows it)
 */
public record RowError(int row, String recipient, String message, Kind kind) {
  /** Kinds of problem. */
  public enum Kind {
    /** Bad data: an invalid address, a line break in a header value, a missing field, a malformed record. */
    DATA,
    /** A file the row names (an attachment, an HTML part) does not exist or cannot be read. */
    NO_INPUT,
    /** The row changed since this batch queued it: sending it again could send it twice. */
    CHANGED
  }

  static RowError of(int row, String recipient, RuntimeException e) {
    return new RowError(row, recipient, oneLine(e.getMessage()), e instanceof InputNotFoundException ? Kind.NO_INPUT : Kind.DATA);
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
  }

  @Override public String toString() { return "row " + row + ": " + message; }
}
