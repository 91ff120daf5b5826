package dev.herald.mail.spi;

import dev.herald.mail.MailException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One known server reply and the line that explains it, for a {@link ProfileAdvisor}: matches the reply code, the enhanced
 * status code (RFC 3463) and, when given, words of the server's text (case-insensitive).
 *
 * @param code the reply code, such as 535
 * @param enhanced the enhanced status code, such as {@code 5.7.8}; null for any
 * @param textContains words the server's text must contain; null for any
 * @param hint what to do, one line
 */
public record ReplyRule(int code, String enhanced, String textContains, String hint) {

  /** A rule on the code and the enhanced code. */
  public static ReplyRule of(int code, String enhanced, String hint) {
    return new ReplyRule(code, enhanced, null, hint);
  }

  /** A rule that also needs {@code words} in the server's text. */
  public static ReplyRule withText(int code, String enhanced, String words, String hint) {
    return new ReplyRule(code, enhanced, words, hint);
  }

  /** True when {@code failure} is this reply. */
  public boolean matches(MailException failure) {
    if (failure.replyCode() != code) return false;
    String e = failure.enhancedCode().orElse(null);
    String text = failure.serverText().orElse("");
    if (enhanced != null && !enhanced.equals(e) && !mentions(text, enhanced)) return false;
    return textContains == null || text.toLowerCase(Locale.ROOT).contains(textContains.toLowerCase(Locale.ROOT));
  }

  /** The hint of the first rule that matches. */
  public static Optional<String> first(List<ReplyRule> rules, MailException failure) {
    return rules.stream().filter(r -> r.matches(failure)).map(ReplyRule::hint).findFirst();
  }

  /** A server text that carries the enhanced code itself, when the transport did not split it off. */
  private static boolean mentions(String text, String enhanced) {
    String t = text.strip();
    return t.startsWith(enhanced + " ") || t.equals(enhanced);
  }
}
