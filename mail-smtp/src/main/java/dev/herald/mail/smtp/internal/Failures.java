package dev.herald.mail.smtp.internal;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.Printable;
import dev.herald.mail.smtp.SmtpReply;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;

/** Turns server replies and I/O failures into Herald's exceptions: the class follows the reply code, not the stage. */
public final class Failures {
  private Failures() { }

  /** A negative reply at {@code stage}; 4xx is transient, 5xx permanent, 535/534/530 5.7.x at AUTH is authentication. */
  public static MailException reply(Stage stage, SmtpReply r, String what, String hint) {
    // The reply's text is the server's: shown with its control characters escaped (terminal escapes).
    String msg = what + ": the server replied " + Printable.escape(r.toString());
    String enh = r.enhancedCode();
    if (r.transientNegative()) {
      return new TransientMailException(msg, stage, r.code(), enh, r.text(),
          hint != null ? hint : r.code() == 421 ? "the server is closing the connection; try again later" : "a temporary failure; try again later", null);
    }
    boolean auth = (stage == Stage.AUTH && (r.code() == 535 || r.code() == 534 || (r.code() == 530 && enh != null && enh.startsWith("5.7"))))
        || (r.code() == 530 && (stage == Stage.MAIL || stage == Stage.RCPT));
    if (auth) {
      return new AuthenticationException(msg, stage, r.code(), enh, r.text(),
          hint != null ? hint : stage == Stage.AUTH ? "check the username and password (or token) of the profile"
              : "the server requires AUTH: set username and a password or token in the profile", null);
    }
    return new PermanentMailException(msg, stage, r.code(), enh, r.text(), hint, null);
  }

  /** The connection failed while waiting at {@code stage}; timeouts and drops are transient. */
  public static TransientMailException io(Stage stage, IOException e, String server, Duration timeout) {
    String s = stage.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (e instanceof SocketTimeoutException) {
      return new TransientMailException(Reason.TIMEOUT, server + " did not answer within " + human(timeout) + " at " + s,
          stage, 0, null, null, stage == Stage.CONNECT
              ? "check host and port; for port 465 set tls = implicit" : "the server is slow or stuck; try again later or raise timeouts", e);
    }
    if (e instanceof EOFException) {
      return new TransientMailException(Reason.CONNECTION_LOST, server + " closed the connection at " + s, stage, 0, null, null,
          "try again later", e);
    }
    return new TransientMailException(Reason.CONNECTION_LOST, "the connection to " + server + " failed at " + s + ": " + e.getMessage(),
        stage, 0, null, null, "try again later", e);
  }

  static String human(Duration d) {
    if (d.toMillis() % 60_000 == 0 && d.toMillis() > 0) return d.toMinutes() + " min";
    if (d.toMillis() % 1000 == 0) return d.toSeconds() + " s";
    return d.toMillis() + " ms";
  }
}
