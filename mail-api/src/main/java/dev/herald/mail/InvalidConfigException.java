package dev.herald.mail;

/** The configuration is wrong: names the file, the key and the known choices where there are any. */
public class InvalidConfigException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) { super(message); }

  public InvalidConfigException(String message, Throwable cause) { super(message, cause); }

  public InvalidConfigException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new InvalidConfigException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
