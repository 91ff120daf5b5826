package dev.herald.mail;

/**
 * The server refused the credentials (535, 534, or 530 5.7.x at AUTH), or AUTH was refused because the channel is not encrypted.
 * Its {@link #reason()} is always {@link Reason#AUTH_FAILED}.
 */
public class AuthenticationException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) { this(message, null); }

  public AuthenticationException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  public AuthenticationException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(Reason.AUTH_FAILED, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new AuthenticationException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
