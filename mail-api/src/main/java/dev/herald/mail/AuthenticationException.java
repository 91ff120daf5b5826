package dev.herald.mail;

/** The server refused the credentials (535, 534, or 530 5.7.x at AUTH), or AUTH was refused because the channel is not encrypted. */
public class AuthenticationException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) { super(message); }

  public AuthenticationException(String message, Throwable cause) { super(message, cause); }

  public AuthenticationException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new AuthenticationException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
