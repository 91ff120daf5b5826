package dev.herald.mail;

import java.util.Optional;

/**
 * Root of Herald's exceptions. Unchecked, and carries the facts: the {@link Stage} at which the
 * send failed and, when a server answered, its reply code, enhanced status code (RFC 3463) and text.
 *
 * <p>Catch {@link TransientMailException} to retry later and {@link PermanentMailException} to give
 * up; which one is thrown follows the server's reply code, not the stage.
 */
public class MailException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Stage stage;
  private final int replyCode;
  private final String enhancedCode;
  private final String serverText;
  private final String hint;

  public MailException(String message) {
    this(message, Stage.LOCAL, 0, null, null, null, null);
  }

  public MailException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /**
   * @param replyCode the server's reply code, or 0 when no server reply is involved
   * @param enhancedCode the RFC 3463 code such as {@code 5.7.8}, or null
   * @param serverText the text of the server's reply, or null
   * @param hint what the user can do about it, or null
   */
  public MailException(String message, Stage stage, int replyCode, String enhancedCode,
      String serverText, String hint, Throwable cause) {
    super(message, cause);
    this.stage = stage == null ? Stage.LOCAL : stage;
    this.replyCode = replyCode;
    this.enhancedCode = enhancedCode;
    this.serverText = serverText;
    this.hint = hint;
  }

  public Stage stage() { return stage; }

  /** The SMTP reply code, or 0 when the failure did not come from a server reply. */
  public int replyCode() { return replyCode; }

  public Optional<String> enhancedCode() { return Optional.ofNullable(enhancedCode); }

  /**
   * The server's reply text exactly as it came, control characters included; the message shows it
   * with those escaped, so print the message, not this, to a terminal or a log.
   */
  public Optional<String> serverText() { return Optional.ofNullable(serverText); }

  /** A line that tells the user what to do next, when one is known. */
  public Optional<String> hint() { return Optional.ofNullable(hint); }

  /** The same failure with {@code hint} attached (providers add their diagnostics this way). */
  public MailException withHint(String hint) {
    MailException copy = copyWith(hint);
    copy.setStackTrace(getStackTrace());
    for (Throwable s : getSuppressed()) copy.addSuppressed(s);
    return copy;
  }

  /** Subclasses return an instance of their own type; see {@link #withHint}. */
  protected MailException copyWith(String hint) {
    return new MailException(getMessage(), stage, replyCode, enhancedCode, serverText, hint, getCause());
  }
}
