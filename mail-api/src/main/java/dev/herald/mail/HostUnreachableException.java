package dev.herald.mail;

/**
 * The server's name resolved but no connection could be made: refused, or no route to it. Transient:
 * a server restarting or a network coming back is worth another try. Its {@link #reason()} is always
 * {@link Reason#CONNECTION_REFUSED}. A name that does not resolve is not this but a
 * {@link PermanentMailException} with {@link Reason#UNKNOWN_HOST}: trying again does not fix a typo.
 */
public class HostUnreachableException extends TransientMailException {
  private static final long serialVersionUID = 1L;

  public HostUnreachableException(String message) { this(message, null); }

  public HostUnreachableException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  public HostUnreachableException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(Reason.CONNECTION_REFUSED, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new HostUnreachableException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
