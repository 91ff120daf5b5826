package dev.herald.mail;

/** The message cannot be sent as built: an invalid address, header or content. Names the offending value. */
public class InvalidMessageException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public InvalidMessageException(String message) { super(message); }

  public InvalidMessageException(String message, Throwable cause) { super(message, cause); }

  public InvalidMessageException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new InvalidMessageException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
