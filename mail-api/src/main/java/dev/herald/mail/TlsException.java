package dev.herald.mail;

/** TLS could not be set up as the policy requires: STARTTLS missing or failed, an untrusted certificate, a wrong host name. */
public class TlsException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  public TlsException(String message) { super(message); }

  public TlsException(String message, Throwable cause) { super(message, cause); }

  public TlsException(String message, Stage stage, int replyCode, String enhancedCode, String serverText,
      String hint, Throwable cause) {
    super(message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  @Override protected MailException copyWith(String hint) {
    return new TlsException(getMessage(), stage(), replyCode(), enhancedCode().orElse(null),
        serverText().orElse(null), hint, getCause());
  }
}
