package dev.herald.mail.testkit;

import dev.herald.mail.Stage;
import dev.herald.mail.testkit.internal.LineReader;
import dev.herald.mail.testkit.internal.SmtpSyntax;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * One connection of a {@link MockSmtpServer}: the server side of RFC 5321 as a small state machine.
 * The wire ({@link SmtpWire}), AUTH ({@link AuthExchange}) and DATA/BDAT ({@link MessageReception})
 * are classes of their own; the state they share lives here.
 */
final class SmtpSession {
  private static final int MAX_ERRORS = 20;

  private final MockSmtpServer server;
  private final ServerOptions cfg;
  private final SmtpWire wire;
  private final AuthExchange auth;
  private final MessageReception reception;
  final int id;
  private boolean rejectedAtGreeting;
  private int errors;

  boolean tls;
  String tlsProtocol;
  String heloName;
  boolean extended;
  String authUser;
  String authMech;

  String sender;
  Map<String, String> mailParams = new LinkedHashMap<>();
  final List<String> rcpts = new ArrayList<>();
  final Map<String, Map<String, String>> rcptParams = new LinkedHashMap<>();

  SmtpSession(MockSmtpServer server, int id, Socket socket) {
    this.server = server;
    this.cfg = server.options;
    this.id = id;
    this.wire = new SmtpWire(server, id, socket);
    this.auth = new AuthExchange(this, wire, cfg);
    this.reception = new MessageReception(this, wire, server);
  }

  void run() {
    try {
      Socket socket = wire.socket;
      socket.setSoTimeout((int) Math.max(1, cfg.readTimeout.toMillis()));
      socket.setTcpNoDelay(true);
      wire.event("connected from " + socket.getRemoteSocketAddress());
      if (socket instanceof SSLSocket ssl) {
        ssl.startHandshake();
        tlsEstablished(ssl);
      }
      wire.open();
      greet();
      while (!wire.closing) {
        byte[] raw;
        try {
          raw = wire.in.readLine(SmtpWire.COMMAND_LIMIT);
        } catch (LineReader.LineTooLongException e) {
          wire.event("command line longer than " + SmtpWire.COMMAND_LIMIT + " octets");
          wire.reply(500, "5.5.2", "Line too long");
          continue;
        }
        if (raw == null) {
          wire.event("client closed the connection");
          break;
        }
        String line = SmtpSyntax.text(raw);
        wire.client(line);
        handle(line);
      }
    } catch (SocketTimeoutException e) {
      wire.event("timed out waiting for the client");
      try {
        wire.reply(421, "4.4.2", cfg.hostname + " Timeout exceeded, closing connection");
      } catch (IOException ignored) {
        // closing anyway
      }
    } catch (SSLException e) {
      wire.event("TLS failed: " + e.getMessage());
    } catch (IOException e) {
      if (!server.isStopped()) wire.event("connection ended: " + e);
    } catch (RuntimeException e) {
      wire.event("server error: " + e);
    } finally {
      wire.finish();
      wire.event("closed");
    }
  }

  private void handle(String line) throws IOException {
    int sp = line.indexOf(' ');
    String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    String arg = sp < 0 ? "" : line.substring(sp + 1).strip();
    if (rejectedAtGreeting && !verb.equals("QUIT")) {
      wire.reply(503, "5.5.1", "Bad sequence of commands: the greeting refused this session");
      return;
    }
    switch (verb) {
      case "EHLO", "HELO" -> helo(verb, arg, line);
      case "STARTTLS" -> starttls(arg, line);
      case "AUTH" -> auth.handle(arg, line);
      case "MAIL" -> mail(arg, line);
      case "RCPT" -> rcpt(arg, line);
      case "DATA" -> reception.data(arg, line);
      case "BDAT" -> {
        if (cfg.chunking) reception.bdat(arg, line); else unknown(line);
      }
      case "RSET" -> rset(line);
      case "QUIT" -> quit(line);
      case "NOOP" -> simple(line, 250, "2.0.0", "OK");
      case "VRFY" -> simple(line, 252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
      case "EXPN" -> simple(line, 502, "5.5.1", "EXPN not available");
      case "HELP" -> simple(line, 214, "2.0.0", "See RFC 5321; this is Herald's MockSmtpServer");
      default -> unknown(line);
    }
  }

  private void greet() throws IOException {
    Fault.Effect e = consult(Stage.CONNECT, "", null, 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      wire.send(r);
      if (r.code() / 100 != 2) rejectedAtGreeting = true;
      return;
    }
    wire.reply(220, null, cfg.greeting);
  }

  private void helo(String verb, String arg, String line) throws IOException {
    Fault.Effect e = consult(Stage.EHLO, line, null, 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      wire.send(r);
      if (r.code() / 100 == 2 && !arg.isEmpty()) hello(verb, arg);
      return;
    }
    if (arg.isEmpty()) {
      wire.reply(501, "5.5.4", "Syntax: " + verb + " hostname");
      return;
    }
    hello(verb, arg);
    String first = cfg.ehloGreeting != null ? cfg.ehloGreeting : cfg.hostname + " Hello " + arg;
    if (!extended) {
      wire.reply(250, null, first);
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(first);
    lines.addAll(cfg.ehloExtensions(tls, authAvailable()));
    wire.send(new Fault.Reply(250, lines, false));
  }

  private void hello(String verb, String arg) {
    heloName = arg;
    extended = verb.equals("EHLO");
    resetTransaction();
  }

  boolean authAvailable() {
    return !cfg.authMechanisms.isEmpty() && (tls || !cfg.authOnlyAfterTls);
  }

  private void starttls(String arg, String line) throws IOException {
    Fault.Effect e = consult(Stage.STARTTLS, line, null, 0);
    if (e instanceof Fault.FailHandshake) {
      wire.reply(220, "2.0.0", "Ready to start TLS");
      wire.event("failing the TLS handshake as scripted: closing");
      wire.closing = true;
      return;
    }
    if (e instanceof Fault.InjectAfterReady inj) {
      wire.discardPlaintext();
      String ready = "220 " + wire.code("2.0.0") + "Ready to start TLS\r\n";
      wire.writeRaw(ready + inj.text());
      wire.event("injected " + inj.text().length() + " plaintext characters after the 220, as scripted");
      startTls();
      return;
    }
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      if (r.code() == 220) wire.discardPlaintext();
      wire.send(r);
      if (r.code() == 220) startTls();
      return;
    }
    if (cfg.tlsMode != MockSmtpServer.TlsMode.STARTTLS) {
      wire.reply(502, "5.5.1", "STARTTLS not offered");
      return;
    }
    if (tls) {
      wire.reply(503, "5.5.1", "TLS already active");
      return;
    }
    if (!arg.isEmpty()) {
      wire.reply(501, "5.5.4", "Syntax: STARTTLS takes no parameters");
      return;
    }
    wire.discardPlaintext();
    wire.reply(220, "2.0.0", "Ready to start TLS");
    startTls();
  }

  /** The TLS handshake after a 220 to STARTTLS; the session starts over, as RFC 3207 requires. */
  private void startTls() throws IOException {
    tlsEstablished(wire.startTls());
    heloName = null;
    extended = false;
    authUser = null;
    authMech = null;
    resetTransaction();
  }

  private void tlsEstablished(SSLSocket ssl) {
    tls = true;
    tlsProtocol = ssl.getSession().getProtocol();
    wire.event("TLS established: " + tlsProtocol + " " + ssl.getSession().getCipherSuite());
  }

  private void mail(String arg, String line) throws IOException {
    SmtpSyntax.Path path = SmtpSyntax.path(arg, "FROM:");
    Fault.Effect e = consult(Stage.MAIL, line, null, 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      wire.send(r);
      if (r.code() / 100 == 2 && path != null) {
        resetTransaction();
        sender = path.address();
        mailParams = path.parameters();
      }
      return;
    }
    if (heloName == null) { wire.reply(503, "5.5.1", "Send HELO/EHLO first"); return; }
    if (sender != null) { wire.reply(503, "5.5.1", "Nested MAIL command"); return; }
    if (cfg.requireTls && !tls) { wire.reply(530, "5.7.0", "Must issue a STARTTLS command first"); return; }
    if (cfg.requireAuth && authUser == null) { wire.reply(530, "5.7.0", "Authentication required"); return; }
    if (path == null) { wire.reply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]"); return; }
    Map<String, String> p = path.parameters();
    for (Map.Entry<String, String> kv : p.entrySet()) {
      String k = kv.getKey();
      String v = kv.getValue();
      if (!cfg.acceptsMailParameter(k, v)) { wire.reply(555, "5.5.4", "Unsupported parameter " + k + (v.isEmpty() ? "" : "=" + v)); return; }
    }
    if (p.containsKey("SIZE") && Long.parseLong(p.get("SIZE")) > cfg.maxMessageSize) {
      wire.reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
      return;
    }
    String from = path.address();
    if (!from.isEmpty() && !SmtpSyntax.validMailbox(from)) { wire.reply(553, "5.1.7", "Invalid sender address <" + from + ">"); return; }
    if (!SmtpSyntax.isAscii(from) && !p.containsKey("SMTPUTF8")) { wire.reply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); return; }
    sender = from;
    mailParams = p;
    wire.reply(250, "2.1.0", "Sender <" + sender + "> OK");
  }

  private void rcpt(String arg, String line) throws IOException {
    SmtpSyntax.Path path = SmtpSyntax.path(arg, "TO:");
    Fault.Effect e = consult(Stage.RCPT, line, path == null ? null : path.address(), 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      wire.send(r);
      if (r.code() / 100 == 2 && path != null && sender != null) addRecipient(path.address(), path.parameters());
      return;
    }
    if (sender == null) { wire.reply(503, "5.5.1", "Need MAIL before RCPT"); return; }
    if (path == null || path.address().isEmpty()) { wire.reply(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]"); return; }
    String to = path.address();
    Map<String, String> p = path.parameters();
    for (Map.Entry<String, String> kv : p.entrySet()) {
      if (!cfg.acceptsRcptParameter(kv.getKey(), kv.getValue())) { wire.reply(555, "5.5.4", "Unsupported parameter " + kv.getKey()); return; }
    }
    if (!SmtpSyntax.validMailbox(to)) { wire.reply(553, "5.1.3", "Invalid recipient address <" + to + ">"); return; }
    if (!SmtpSyntax.isAscii(to) && !mailParams.containsKey("SMTPUTF8")) { wire.reply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); return; }
    if (rcpts.size() >= cfg.maxRecipients) { wire.reply(452, "4.5.3", "Too many recipients"); return; }
    addRecipient(to, p);
    wire.reply(250, "2.1.5", "Recipient <" + to + "> OK");
  }

  private void addRecipient(String address, Map<String, String> params) {
    rcpts.add(address);
    rcptParams.put(address, params);
  }

  private void rset(String line) throws IOException {
    Fault.Effect e = consult(Stage.RSET, line, null, 0);
    if (wire.carryOut(e)) return;
    resetTransaction();
    if (e instanceof Fault.Reply r) wire.send(r);
    else wire.reply(250, "2.0.0", "Flushed");
  }

  private void quit(String line) throws IOException {
    Fault.Effect e = consult(Stage.QUIT, line, null, 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) wire.send(r);
    else wire.reply(221, "2.0.0", cfg.hostname + " closing connection");
    wire.closing = true;
  }

  private void simple(String line, int code, String enhanced, String text) throws IOException {
    Fault.Effect e = consult(null, line, null, 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) wire.send(r);
    else wire.reply(code, enhanced, text);
  }

  private void unknown(String line) throws IOException {
    Fault.Effect e = consult(null, line, null, 0);
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      wire.send(r);
      return;
    }
    if (++errors > MAX_ERRORS) {
      wire.reply(421, "4.7.0", "Too many errors, closing connection");
      wire.closing = true;
      return;
    }
    wire.reply(500, "5.5.1", "Command unrecognized");
  }

  void resetTransaction() {
    sender = null;
    mailParams = new LinkedHashMap<>();
    rcpts.clear();
    rcptParams.clear();
    reception.reset();
  }

  /** Asks the dispatcher and the script; waits out a {@link Fault.Delay} here and returns null for it. */
  Fault.Effect consult(Stage stage, String line, String recipient, long size) throws IOException {
    Fault.Effect e = server.script.effectFor(new SmtpCommand(id, stage, line, recipient, tls, authUser, size));
    if (e == null) return null;
    wire.event("scripted " + (stage == null ? "" : "at " + stage + ": ") + e);
    if (e instanceof Fault.Delay d) {
      wire.out.flush();
      if (server.sleep(d.duration())) wire.closing = true;
      return null;
    }
    if (e instanceof Fault.Drip d) {
      wire.drip = d.interval();
      return null;
    }
    return e;
  }
}
