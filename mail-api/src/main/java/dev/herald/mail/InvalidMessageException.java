package dev.herald.mail;

/**
 * The message cannot be sent as built: an invalid address, header or content. Names the offending value.
 * Its {@link #reason()} is always {@link Reason#INVALID_MESSAGE}.
 */
public class InvalidMessageException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public InvalidMessageException(String message) { this(message, null); }

  public InvalidMessageException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  public InvalidMessageException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(Reason.INVALID_MESSAGE, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new InvalidMessageException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
