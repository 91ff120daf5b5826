package dev.herald.mail;

/**
 * The server broke the protocol: a malformed or over-long reply, or bytes where none may be.
 * Its {@link #reason()} is always {@link Reason#MALFORMED_REPLY}.
 */
public class MalformedReplyException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public MalformedReplyException(String message) { this(message, null); }

  public MalformedReplyException(String message, Throwable cause) {
    this(message, Stage.LOCAL, 0, null, null, null, cause);
  }

  public MalformedReplyException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(Reason.MALFORMED_REPLY, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new MalformedReplyException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
