package dev.herald.mail;

import java.util.Objects;
import java.util.Optional;

/**
 * Root of Herald's exceptions. Unchecked, and carries the facts: the {@link Stage} at which the
 * send failed and, when a server answered, its reply code, enhanced status code (RFC 3463) and text.
 *
 * <p>Two axes, kept apart. The class says whether a retry may help: catch
 * {@link TransientMailException} to retry later and {@link PermanentMailException} to give up (which
 * one follows the server's reply code, not the stage). {@link #reason()} says why it failed, for a
 * program that acts on the cause (the CLI's exit code, a queue that keeps mail while a password is
 * being fixed) without depending on which subclass was thrown.
 */
public class MailException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Why a send failed. Each constant names the class it comes with; a transport that names no
   * reason gets {@link #SERVER_TRANSIENT}, {@link #SERVER_PERMANENT} or {@link #INTERNAL} from the
   * class it throws.
   */
  public enum Reason {
    /** Permanent: the server's host name does not resolve (a typo, or no network to ask DNS). */
    UNKNOWN_HOST,
    /** Transient ({@link HostUnreachableException}): the connection was refused, or no route leads to the host. */
    CONNECTION_REFUSED,
    /** Transient: the server did not answer in time (connecting, a reply, the TLS handshake). */
    TIMEOUT,
    /** Transient: the connection broke or was closed by the server during the exchange. */
    CONNECTION_LOST,
    /** Transient: a 4xx reply; also any {@link TransientMailException} made without a reason. */
    SERVER_TRANSIENT,
    /** Permanent: a 5xx reply; also any {@link PermanentMailException} made without a reason. */
    SERVER_PERMANENT,
    /** Permanent: the message exceeds the size the server declared (SIZE). */
    MESSAGE_TOO_LARGE,
    /** Permanent ({@link RecipientsRejectedException}): every recipient was refused with a 5xx reply. */
    REJECTED_RECIPIENTS,
    /** Permanent ({@link AuthenticationException}): credentials refused, no usable mechanism, or AUTH unencrypted. */
    AUTH_FAILED,
    /** Permanent ({@link TlsException}): the policy requires TLS and the server does not offer or refuses STARTTLS. */
    TLS_UNAVAILABLE,
    /** Permanent ({@link TlsException}): the server's certificate is not trusted, expired or names another host. */
    TLS_UNTRUSTED,
    /** Permanent ({@link TlsException}): the TLS handshake failed for another reason. */
    TLS_FAILED,
    /** Permanent ({@link MalformedReplyException}): the server broke the protocol. */
    MALFORMED_REPLY,
    /** Permanent ({@link InvalidMessageException}): an invalid address, header or content. */
    INVALID_MESSAGE,
    /** Permanent ({@link InputNotFoundException}): a named input does not exist or cannot be read. */
    INPUT_NOT_FOUND,
    /** Transient ({@link LocalIoException}): a local file could not be read or written. */
    LOCAL_IO,
    /** Permanent ({@link InvalidConfigException}): the configuration is wrong. */
    CONFIG,
    /** Transient: the send was interrupted, or the transport closed, before the message went out. */
    CANCELLED,
    /** Neither transient nor permanent: an unexpected failure (a bug); any bare {@code MailException}. */
    INTERNAL
  }

  private final Reason reason;
  private final Stage stage;
  private final int replyCode;
  private final String enhancedCode;
  private final String serverText;
  private final String hint;

  /** An {@link Reason#INTERNAL} failure. */
  public MailException(String message) {
    this(Reason.INTERNAL, message, Stage.LOCAL, 0, null, null, null, null);
  }

  /** An {@link Reason#INTERNAL} failure. */
  public MailException(String message, Throwable cause) {
    this(Reason.INTERNAL, message, Stage.LOCAL, 0, null, null, null, cause);
  }

  /** An {@link Reason#INTERNAL} failure; see {@link #MailException(Reason, String, Stage, int, String, String, String, Throwable)}. */
  public MailException(String message, Stage stage, int replyCode, String enhancedCode,
      String serverText, String hint, Throwable cause) {
    this(Reason.INTERNAL, message, stage, replyCode, enhancedCode, serverText, hint, cause);
  }

  /**
   * @param reason why it failed
   * @param replyCode the server's reply code, or 0 when no server reply is involved
   * @param enhancedCode the RFC 3463 code such as {@code 5.7.8}, or null
   * @param serverText the text of the server's reply, or null
   * @param hint what the user can do about it, or null
   */
  public MailException(Reason reason, String message, Stage stage, int replyCode, String enhancedCode,
      String serverText, String hint, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.stage = stage == null ? Stage.LOCAL : stage;
    this.replyCode = replyCode;
    this.enhancedCode = enhancedCode;
    this.serverText = serverText;
    this.hint = hint;
  }

  /** Why it failed; a program that acts on the cause switches on this, not on the subclass. */
  public Reason reason() { return reason; }

  public Stage stage() { return stage; }

  /** The SMTP reply code, or 0 when the failure did not come from a server reply. */
  public int replyCode() { return replyCode; }

  public Optional<String> enhancedCode() { return Optional.ofNullable(enhancedCode); }

  /**
   * The server's reply text exactly as it came, control characters included; the message shows it
   * with those escaped, so print the message, not this, to a terminal or a log.
   */
  public Optional<String> serverText() { return Optional.ofNullable(serverText); }

  /** A line that tells the user what to do next, when one is known. */
  public Optional<String> hint() { return Optional.ofNullable(hint); }

  /** The same failure with {@code hint} attached (providers add their diagnostics this way). */
  public MailException withHint(String hint) {
    MailException copy = copyWith(hint);
    copy.setStackTrace(getStackTrace());
    for (Throwable s : getSuppressed()) copy.addSuppressed(s);
    return copy;
  }

  /** Subclasses return an instance of their own type; see {@link #withHint}. */
  protected MailException copyWith(String hint) {
    return new MailException(reason, getMessage(), stage, replyCode, enhancedCode, serverText, hint, getCause());
  }
}
