package dev.herald.mail;

/** The server broke the protocol: a malformed or over-long reply, or bytes where none may be. */
public class MalformedReplyException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public MalformedReplyException(String message) { super(message); }

  public MalformedReplyException(String message, Throwable cause) { super(message, cause); }

  public MalformedReplyException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new MalformedReplyException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
