package dev.herald.mail;

/** A failure worth retrying later: a 4xx reply, a timeout or a dropped connection. */
public class TransientMailException extends MailException {
  private static final long serialVersionUID = 1L;

  public TransientMailException(String message) { super(message); }

  public TransientMailException(String message, Throwable cause) { super(message, cause); }

  public TransientMailException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new TransientMailException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
