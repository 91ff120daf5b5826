package dev.herald.mail;

/** A local input or output failed: a file could not be read or written. */
public class LocalIoException extends TransientMailException {
  private static final long serialVersionUID = 1L;

  public LocalIoException(String message) { super(message); }

  public LocalIoException(String message, Throwable cause) { super(message, cause); }

  public LocalIoException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new LocalIoException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
