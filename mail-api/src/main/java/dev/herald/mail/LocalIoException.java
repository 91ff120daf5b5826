package dev.herald.mail;

/**
 * A local input or output failed: a file could not be read or written.
 * Its {@link #reason()} is always {@link Reason#LOCAL_IO}.
 */
public class LocalIoException extends TransientMailException {
  private static final long serialVersionUID = 1L;

  public LocalIoException(String message) { this(message, null); }

  public LocalIoException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  public LocalIoException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(Reason.LOCAL_IO, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new LocalIoException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
