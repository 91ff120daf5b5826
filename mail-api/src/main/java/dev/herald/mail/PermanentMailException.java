package dev.herald.mail;

/** A failure that a retry will not fix: a 5xx reply, a rejected message or a local error. */
public class PermanentMailException extends MailException {
  private static final long serialVersionUID = 1L;

  /** A {@link Reason#SERVER_PERMANENT} failure. */
  public PermanentMailException(String message) { this(message, null); }

  /** A {@link Reason#SERVER_PERMANENT} failure. */
  public PermanentMailException(String message, Throwable cause) {
    this(Reason.SERVER_PERMANENT, message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /** A {@link Reason#SERVER_PERMANENT} failure. */
  public PermanentMailException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    this(Reason.SERVER_PERMANENT, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  /** A failure for {@code reason} with no server reply, at {@link Stage#LOCAL}. */
  public PermanentMailException(Reason reason, String message, Throwable cause) {
    this(reason, message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /** See {@link MailException#MailException(Reason, String, Stage, int, String, String, String, Throwable)}. */
  public PermanentMailException(Reason reason, String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(reason, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new PermanentMailException(reason(), getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
