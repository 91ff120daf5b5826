package dev.herald.mail;

/**
 * The configuration is wrong: names the file, the key and the known choices where there are any.
 * Its {@link #reason()} is always {@link Reason#CONFIG}.
 */
public class InvalidConfigException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) { this(message, null); }

  public InvalidConfigException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  public InvalidConfigException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(Reason.CONFIG, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new InvalidConfigException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
