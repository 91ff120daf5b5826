package dev.herald.mail.cli;

import dev.herald.mail.SendReceipt;
import dev.herald.mail.Printable;

/** One line per refused recipient: {@code bob@example.net rejected: 550 5.1.1 No such user}. */
final class Rejections {
  private Rejections() {}

  static String describe(SendReceipt.Rejection r) {
    return r.recipient() + " rejected: " + r.code() + (r.enhancedCode() == null ? "" : " " + r.enhancedCode())
        + (r.text().isEmpty() ? "" : " " + Printable.escape(r.text()));  // the server's text: no terminal escapes
  }
}
