package dev.herald.mail;

/** A failure that a retry will not fix: a 5xx reply, a rejected message or a local error. */
public class PermanentMailException extends MailException {
  private static final long serialVersionUID = 1L;

  public PermanentMailException(String message) { super(message); }

  public PermanentMailException(String message, Throwable cause) { super(message, cause); }

  public PermanentMailException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new PermanentMailException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
