package dev.herald.mail;

/** A failure worth retrying later: a 4xx reply, a timeout or a dropped connection. */
public class TransientMailException extends MailException {
  private static final long serialVersionUID = 1L;

  /** A {@link Reason#SERVER_TRANSIENT} failure. */
  public TransientMailException(String message) { this(message, null); }

  /** A {@link Reason#SERVER_TRANSIENT} failure. */
  public TransientMailException(String message, Throwable cause) {
    this(Reason.SERVER_TRANSIENT, message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /** A {@link Reason#SERVER_TRANSIENT} failure. */
  public TransientMailException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    this(Reason.SERVER_TRANSIENT, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  /** A failure for {@code reason} with no server reply, at {@link Stage#LOCAL}. */
  public TransientMailException(Reason reason, String message, Throwable cause) {
    this(reason, message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /** See {@link MailException#MailException(Reason, String, Stage, int, String, String, String, Throwable)}. */
  public TransientMailException(Reason reason, String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(reason, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new TransientMailException(reason(), getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
