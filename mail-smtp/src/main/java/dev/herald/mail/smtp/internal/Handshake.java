package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException.Reason;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.smtp.SmtpSettings;
import dev.herald.mail.smtp.TlsPolicy;
import dev.herald.mail.spi.Credentials;
import java.io.IOException;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;

/**
 * The start of an SMTP session on an open {@link Connection}: the greeting, EHLO (or HELO),
 * STARTTLS and EHLO again as the TLS policy asks, and AUTH when there are credentials. Its result
 * is the {@link SessionInfo} that transactions and {@code check()} read.
 */
final class Handshake {
  private final Connection conn;
  private final SmtpSettings settings;
  private final Supplier<Tls> tls;
  private final String server;
  private Capabilities caps = Capabilities.NONE;
  private boolean heloOnly;
  private boolean encrypted;

  private Handshake(Connection conn, SmtpSettings settings, Supplier<Tls> tls) {
    this.conn = conn;
    this.settings = settings;
    this.tls = tls;
    this.server = conn.server();
    this.encrypted = settings.tls() == TlsPolicy.IMPLICIT;
  }

  /** Runs the handshake; throws the failure of the step that failed (the caller closes the connection). */
  static SessionInfo run(Connection conn, SmtpSettings settings, Supplier<Tls> tls, Credentials credentials,
      String fallbackUser) {
    return new Handshake(conn, settings, tls).run(credentials, fallbackUser);
  }

  private SessionInfo run(Credentials credentials, String fallbackUser) {
    Stage stage = Stage.CONNECT;
    try {
      SmtpReply greeting = conn.read(Stage.CONNECT);
      if (greeting.code() != 220) {
        throw Failures.reply(Stage.CONNECT, greeting, server + " refused the session", null);
      }
      stage = Stage.EHLO;
      ehlo();
      TlsPolicy policy = settings.tls();
      if (policy == TlsPolicy.STARTTLS || (policy == TlsPolicy.OPPORTUNISTIC && caps.startTls())) {
        stage = Stage.STARTTLS;
        if (!caps.startTls()) {
          throw new TlsException(Reason.TLS_UNAVAILABLE, server + " does not offer STARTTLS; tls = starttls requires it", Stage.STARTTLS, 0, null, null,
              "use tls = implicit if the server offers SMTPS (usually port 465); tls = none only on a trusted network", null);
        }
        startTls();
        stage = Stage.EHLO;
        ehlo();
      }
      String mechanism = null;
      if (credentials.present()) {
        stage = Stage.AUTH;
        mechanism = authenticate(credentials, fallbackUser);
      }
      return new SessionInfo(server, greeting, caps, heloOnly,
          encrypted ? SessionInfo.Tls.of(((SSLSocket) conn.socket()).getSession()) : null, mechanism);
    } catch (IOException e) {
      throw Failures.io(stage, e, server, settings.timeouts().reply());
    }
  }

  private void ehlo() throws IOException {
    String name = settings.localName() != null ? settings.localName() : LocalName.of(conn.socket());
    SmtpReply r = conn.command("EHLO " + name, Stage.EHLO);
    if (r.code() == 500 || r.code() == 502) {
      r = conn.command("HELO " + name, Stage.EHLO);
      if (!r.positive()) throw Failures.reply(Stage.EHLO, r, "HELO was refused", null);
      caps = Capabilities.NONE;
      heloOnly = true;
      return;
    }
    if (!r.positive()) throw Failures.reply(Stage.EHLO, r, "EHLO was refused", null);
    caps = Capabilities.parse(r);
    heloOnly = false;
  }

  private void startTls() throws IOException {
    SmtpReply r = conn.command("STARTTLS", Stage.STARTTLS);
    if (r.code() != 220) {
      MailException f = Failures.reply(Stage.STARTTLS, r, "STARTTLS was refused", null);
      if (f instanceof TransientMailException) throw f;
      throw new TlsException(Reason.TLS_UNAVAILABLE, f.getMessage(), Stage.STARTTLS, r.code(), r.enhancedCode(), r.text(), null, null);
    }
    // Anything already sent after the 220 would be read as if it came over TLS: an injection attack.
    if (conn.hasBuffered()) {
      throw new MalformedReplyException("the server sent data after its STARTTLS reply, before the TLS handshake"
          + " (a STARTTLS injection attempt?); the connection was closed", Stage.STARTTLS, 0, null, null,
          "this is a broken or hostile server or network path; do not use it", null);
    }
    conn.startTls(tls);
    encrypted = true;
    caps = Capabilities.NONE;  // forget what the plaintext EHLO said
  }

  private String authenticate(Credentials credentials, String fallbackUser) throws IOException {
    boolean plaintextOk = settings.allowPlaintextAuth()
        || (settings.tls() == TlsPolicy.NONE && conn.socket().getInetAddress().isLoopbackAddress());
    if (!encrypted && !plaintextOk) {
      throw new AuthenticationException("refusing AUTH over an unencrypted connection to " + server, Stage.AUTH, 0, null, null,
          settings.tls() == TlsPolicy.OPPORTUNISTIC ? "the server does not offer STARTTLS; use tls = implicit (port 465), or allow-plaintext-auth = true only on a trusted network"
              : "use tls = starttls or implicit; allow-plaintext-auth = true only on a trusted network", null);
    }
    if (caps.authMechanisms().isEmpty()) {
      throw new AuthenticationException(server + " offers no AUTH mechanism, but the profile has credentials", Stage.AUTH, 0, null, null,
          heloOnly ? "the server does not speak ESMTP; remove username and password from the profile"
              : "remove the credentials from the profile, or check that host and port are the submission server", null);
    }
    String mech = Sasl.choose(settings.auth(), caps.authMechanisms(), credentials);
    Sasl.login(mech, credentials, fallbackUser, settings.host(), settings.port(), (line, traceLine) -> {
      conn.write(line, traceLine);
      conn.flush();
      return conn.read(Stage.AUTH);
    });
    return mech;
  }
}
