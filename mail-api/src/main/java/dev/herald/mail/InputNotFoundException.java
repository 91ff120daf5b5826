package dev.herald.mail;

/** A named input (an attachment, a body file, a config file) does not exist or cannot be read. */
public class InputNotFoundException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public InputNotFoundException(String message) { super(message); }

  public InputNotFoundException(String message, Throwable cause) { super(message, cause); }

  public InputNotFoundException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new InputNotFoundException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
