package dev.herald.mail;

/** The server could not be reached: unknown host, connection refused or unreachable network. */
public class HostUnreachableException extends TransientMailException {
  private static final long serialVersionUID = 1L;

  public HostUnreachableException(String message) { super(message); }

  public HostUnreachableException(String message, Throwable cause) { super(message, cause); }

  public HostUnreachableException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new HostUnreachableException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
