package dev.herald.mail.internal;

import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.Printable;

/** Header-safety checks shared by the model: a CR or LF must never reach a header as a new line. */
public final class Checks {
  private Checks() {}

  /** Refuses CR, LF and NUL: folding them in silently is how header injection happens. */
  public static String noLineBreak(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new InvalidMessageException(what + " may not contain a line break: '" + printable(value) + "'");
      }
    }
    return value;
  }

  /** A header field name: printable ASCII except ':' (RFC 5322 ftext). */
  public static String headerName(String name) {
    if (name.isEmpty()) throw new InvalidMessageException("a header name may not be empty");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 33 || c > 126 || c == ':') {
        throw new InvalidMessageException("invalid header name '" + printable(name) + "': use letters, digits and '-'");
      }
    }
    return name;
  }

  /** Shows control characters as escapes so an error message is one line ({@link Printable#escape}). */
  public static String printable(String s) {
    return Printable.escape(s);
  }
}
