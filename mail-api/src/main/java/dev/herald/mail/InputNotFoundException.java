package dev.herald.mail;

/**
 * A named input (an attachment, a body file, a config file) does not exist or cannot be read.
 * Its {@link #reason()} is always {@link Reason#INPUT_NOT_FOUND}.
 */
public class InputNotFoundException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public InputNotFoundException(String message) { this(message, null); }

  public InputNotFoundException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  public InputNotFoundException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(Reason.INPUT_NOT_FOUND, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new InputNotFoundException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
