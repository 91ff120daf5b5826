package dev.herald.mail;

/** TLS could not be set up as the policy requires: STARTTLS missing or failed, an untrusted certificate, a wrong host name. */
public class TlsException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  /** A {@link Reason#TLS_FAILED} failure. */
  public TlsException(String message) { this(message, null); }

  /** A {@link Reason#TLS_FAILED} failure. */
  public TlsException(String message, Throwable cause) {
    this(Reason.TLS_FAILED, message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /** A {@link Reason#TLS_FAILED} failure. */
  public TlsException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    this(Reason.TLS_FAILED, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  /** A failure for {@code reason} with no server reply, at {@link Stage#LOCAL}. */
  public TlsException(Reason reason, String message, Throwable cause) {
    this(reason, message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /** See {@link MailException#MailException(Reason, String, Stage, int, String, String, String, Throwable)}. */
  public TlsException(Reason reason, String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(reason, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new TlsException(reason(), getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
