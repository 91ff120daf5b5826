package dev.herald.mail.testkit;

import dev.herald.mail.Stage;
import dev.herald.mail.testkit.internal.Sasl;
import dev.herald.mail.testkit.internal.SmtpSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;

/**
 * The AUTH command of one session: the SASL exchanges of PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER,
 * checked against the configured users and tokens; on success the session is authenticated.
 */
final class AuthExchange {
  private final SmtpSession session;
  private final SmtpWire wire;
  private final ServerOptions cfg;

  AuthExchange(SmtpSession session, SmtpWire wire, ServerOptions cfg) {
    this.session = session;
    this.wire = wire;
    this.cfg = cfg;
  }

  /** AUTH with its argument, {@code mechanism [initial-response]}; {@code line} as sent, for the script. */
  void handle(String arg, String line) throws IOException {
    String[] parts = arg.split(" ", 2);
    String mech = parts[0].toUpperCase(Locale.ROOT);
    String initial = parts.length > 1 ? parts[1].strip() : null;
    Fault.Effect e = session.consult(Stage.AUTH, line, null, 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      wire.send(r);
      if (r.code() == 235) {
        session.authUser = Sasl.claimedUser(mech, initial);
        session.authMech = mech;
      }
      return;
    }
    if (cfg.authMechanisms.isEmpty()) {
      wire.reply(502, "5.5.1", "AUTH not available");
      return;
    }
    if (!session.authAvailable()) {
      wire.reply(530, "5.7.0", "Must issue a STARTTLS command first");
      return;
    }
    if (!session.extended) {
      wire.reply(503, "5.5.1", "Send EHLO first");
      return;
    }
    if (session.authUser != null) {
      wire.reply(503, "5.5.1", "Already authenticated");
      return;
    }
    if (session.sender != null) {
      wire.reply(503, "5.5.1", "AUTH not permitted during a mail transaction");
      return;
    }
    if (mech.isEmpty()) {
      wire.reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
      return;
    }
    if (!cfg.authMechanisms.contains(mech)) {
      wire.reply(504, "5.5.4", "Unrecognized authentication type " + mech);
      return;
    }
    switch (mech) {
      case "PLAIN" -> authPlain(initial);
      case "LOGIN" -> authLogin(initial);
      case "XOAUTH2" -> authXoauth2(initial);
      case "OAUTHBEARER" -> authOauthBearer(initial);
      default -> wire.reply(504, "5.5.4", "Mechanism " + mech + " is advertised but not implemented by MockSmtpServer");
    }
  }

  private void authPlain(String initial) throws IOException {
    byte[] resp = initial != null ? decode(initial) : challenge("");
    if (resp == null) return;
    Sasl.Login l = Sasl.plain(resp);
    if (l == null) {
      wire.reply(501, "5.5.2", "Malformed PLAIN response");
      return;
    }
    boolean ok = l.secret().equals(cfg.users.get(l.user())) && (l.authzid().isEmpty() || l.authzid().equals(l.user()));
    authResult(ok, l.user(), "PLAIN");
  }

  private void authLogin(String initial) throws IOException {
    byte[] user = initial != null ? decode(initial) : challenge("Username:");
    if (user == null) return;
    byte[] pass = challenge("Password:");
    if (pass == null) return;
    String u = new String(user, StandardCharsets.UTF_8);
    String p = new String(pass, StandardCharsets.UTF_8);
    authResult(cfg.users.containsKey(u) && cfg.users.get(u).equals(p), u, "LOGIN");
  }

  private void authXoauth2(String initial) throws IOException {
    bearer(initial, "XOAUTH2", Sasl::xoauth2, Sasl.XOAUTH2_ERROR);
  }

  private void authOauthBearer(String initial) throws IOException {
    bearer(initial, "OAUTHBEARER", Sasl::oauthBearer, Sasl.OAUTHBEARER_ERROR);
  }

  /** XOAUTH2 and OAUTHBEARER: on a bad token, a 334 with a JSON error, the client's (empty) answer, then 535. */
  private void bearer(String initial, String mech, Function<byte[], Sasl.Login> parse, String errorJson)
      throws IOException {
    byte[] resp = initial != null ? decode(initial) : challenge("");
    if (resp == null) return;
    Sasl.Login l = parse.apply(resp);
    if (l.user() != null && l.secret() != null && l.secret().equals(cfg.tokens.get(l.user()))) {
      authResult(true, l.user(), mech);
      return;
    }
    wire.event("bad bearer token for " + l.user() + " with " + mech);
    if (challenge(Sasl.base64(errorJson), false) == null) return;
    if (cfg.authFailure != null) wire.send(new Fault.Reply(535, cfg.authFailure, false));
    else wire.reply(535, "5.7.8", "Username and Password not accepted");
  }

  private void authResult(boolean ok, String user, String mech) throws IOException {
    if (ok) {
      session.authUser = user;
      session.authMech = mech;
      wire.event("authenticated " + user + " with " + mech);
      wire.reply(235, "2.7.0", "Authentication successful");
    } else {
      wire.event("authentication failed for " + user + " with " + mech);
      if (cfg.authFailure != null) wire.send(new Fault.Reply(535, cfg.authFailure, false));
      else wire.reply(535, "5.7.8", "Authentication credentials invalid");
    }
  }

  private byte[] challenge(String text) throws IOException {
    return challenge(Sasl.base64(text), true);
  }

  /** Sends {@code 334 b64} and reads the answer; null when the exchange ended (cancel, bad base64, EOF). */
  private byte[] challenge(String b64, boolean decodeAnswer) throws IOException {
    wire.writeRaw("334 " + b64 + "\r\n");
    byte[] raw = wire.in.readLine(SmtpWire.COMMAND_LIMIT);
    if (raw == null) {
      wire.closing = true;
      wire.event("client closed the connection during AUTH");
      return null;
    }
    String line = SmtpSyntax.text(raw);
    wire.client(line);
    if (line.equals("*")) {
      wire.reply(501, "5.0.0", "Authentication cancelled");
      return null;
    }
    return decodeAnswer ? decode(line) : new byte[0];
  }

  private byte[] decode(String b64) throws IOException {
    if (b64.equals("=")) return new byte[0];
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      wire.reply(501, "5.5.2", "Cannot decode the response");
      return null;
    }
  }
}
