package dev.herald.mail.testkit;

import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.Stage;
import dev.herald.mail.testkit.internal.LineReader;
import dev.herald.mail.testkit.internal.Sasl;
import dev.herald.mail.testkit.internal.SmtpSyntax;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/** One connection of a {@link MockSmtpServer}: the server side of RFC 5321 as a small state machine. */
final class SmtpSession {
  private static final int COMMAND_LIMIT = 16 * 1024;
  private static final int MAX_ERRORS = 20;

  private final MockSmtpServer server;
  private final MockSmtpServer.Settings cfg;
  private final int id;
  private final List<String> transcript = new ArrayList<>();
  private Socket socket;
  private LineReader in;
  private OutputStream out;
  private boolean closing;
  private boolean rejectedAtGreeting;
  // Set by a Fault.Drip: the next reply goes out a byte at a time.
  private Duration drip;
  private int errors;

  private boolean tls;
  private String tlsProtocol;
  private String heloName;
  private boolean extended;
  private String authUser;
  private String authMech;

  private String sender;
  private Map<String, String> mailParams = new LinkedHashMap<>();
  private final List<String> rcpts = new ArrayList<>();
  private final Map<String, Map<String, String>> rcptParams = new LinkedHashMap<>();
  private ByteArrayOutputStream chunks;
  private boolean chunksTooBig;
  private boolean chunkFailed;

  SmtpSession(MockSmtpServer server, int id, Socket socket) {
    this.server = server;
    this.cfg = server.settings;
    this.id = id;
    this.socket = socket;
  }

  static String[] protocols(String[] supported) {
    List<String> out = new ArrayList<>();
    for (String p : supported) if (p.equals("TLSv1.2") || p.equals("TLSv1.3")) out.add(p);
    return out.toArray(new String[0]);
  }

  void run() {
    try {
      socket.setSoTimeout((int) Math.max(1, cfg.readTimeout.toMillis()));
      socket.setTcpNoDelay(true);
      event("connected from " + socket.getRemoteSocketAddress());
      if (socket instanceof SSLSocket ssl) {
        ssl.startHandshake();
        tlsEstablished(ssl);
      }
      in = new LineReader(socket.getInputStream());
      out = new BufferedOutputStream(socket.getOutputStream());
      greet();
      while (!closing) {
        byte[] raw;
        try {
          raw = in.readLine(COMMAND_LIMIT);
        } catch (LineReader.LineTooLongException e) {
          event("command line longer than " + COMMAND_LIMIT + " octets");
          reply(500, "5.5.2", "Line too long");
          continue;
        }
        if (raw == null) {
          event("client closed the connection");
          break;
        }
        String line = SmtpSyntax.text(raw);
        client(line);
        handle(line);
      }
    } catch (SocketTimeoutException e) {
      event("timed out waiting for the client");
      try {
        reply(421, "4.4.2", cfg.hostname + " Timeout exceeded, closing connection");
      } catch (IOException ignored) {
        // closing anyway
      }
    } catch (SSLException e) {
      event("TLS failed: " + e.getMessage());
    } catch (IOException e) {
      if (!server.isStopped()) event("connection ended: " + e);
    } catch (RuntimeException e) {
      event("server error: " + e);
    } finally {
      try {
        if (out != null && !socket.isClosed()) out.flush();
      } catch (IOException ignored) {
        // the client is gone
      }
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      event("closed");
    }
  }

  private void handle(String line) throws IOException {
    int sp = line.indexOf(' ');
    String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    String arg = sp < 0 ? "" : line.substring(sp + 1).strip();
    if (rejectedAtGreeting && !verb.equals("QUIT")) {
      reply(503, "5.5.1", "Bad sequence of commands: the greeting refused this session");
      return;
    }
    switch (verb) {
      case "EHLO", "HELO" -> helo(verb, arg, line);
      case "STARTTLS" -> starttls(arg, line);
      case "AUTH" -> auth(arg, line);
      case "MAIL" -> mail(arg, line);
      case "RCPT" -> rcpt(arg, line);
      case "DATA" -> data(arg, line);
      case "BDAT" -> {
        if (cfg.chunking) bdat(arg, line); else unknown(line);
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

  // ---- stages ----

  private void greet() throws IOException {
    Fault.Effect e = consult(Stage.CONNECT, "", null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() / 100 != 2) rejectedAtGreeting = true;
      return;
    }
    reply(220, null, cfg.greeting);
  }

  private void helo(String verb, String arg, String line) throws IOException {
    Fault.Effect e = consult(Stage.EHLO, line, null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() / 100 == 2 && !arg.isEmpty()) hello(verb, arg);
      return;
    }
    if (arg.isEmpty()) {
      reply(501, "5.5.4", "Syntax: " + verb + " hostname");
      return;
    }
    hello(verb, arg);
    String first = cfg.ehloGreeting != null ? cfg.ehloGreeting : cfg.hostname + " Hello " + arg;
    if (!extended) {
      reply(250, null, first);
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(first);
    if (cfg.size > 0) lines.add("SIZE " + cfg.size);
    else if (cfg.size == 0) lines.add("SIZE");
    if (cfg.eightBitMime) lines.add("8BITMIME");
    if (cfg.tlsMode == MockSmtpServer.TlsMode.STARTTLS && !tls) lines.add("STARTTLS");
    if (authAvailable()) lines.add("AUTH " + String.join(" ", cfg.authMechanisms));
    if (cfg.enhancedStatusCodes) lines.add("ENHANCEDSTATUSCODES");
    if (cfg.pipelining) lines.add("PIPELINING");
    if (cfg.chunking) lines.add("CHUNKING");
    if (cfg.smtpUtf8) lines.add("SMTPUTF8");
    if (cfg.dsn) lines.add("DSN");
    lines.addAll(cfg.extraExtensions);
    send(new Fault.Reply(250, lines, false));
  }

  private void hello(String verb, String arg) {
    heloName = arg;
    extended = verb.equals("EHLO");
    resetTransaction();
  }

  private boolean authAvailable() {
    return !cfg.authMechanisms.isEmpty() && (tls || !cfg.authOnlyAfterTls);
  }

  private void starttls(String arg, String line) throws IOException {
    Fault.Effect e = consult(Stage.STARTTLS, line, null, 0);
    if (e instanceof Fault.FailHandshake) {
      reply(220, "2.0.0", "Ready to start TLS");
      event("failing the TLS handshake as scripted: closing");
      closing = true;
      return;
    }
    if (e instanceof Fault.InjectAfterReady inj) {
      discardPlaintext();
      String ready = "220 " + code("2.0.0") + "Ready to start TLS\r\n";
      writeRaw(ready + inj.text());
      event("injected " + inj.text().length() + " plaintext characters after the 220, as scripted");
      handshake();
      return;
    }
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      if (r.code() == 220) discardPlaintext();
      send(r);
      if (r.code() == 220) handshake();
      return;
    }
    if (cfg.tlsMode != MockSmtpServer.TlsMode.STARTTLS) {
      reply(502, "5.5.1", "STARTTLS not offered");
      return;
    }
    if (tls) {
      reply(503, "5.5.1", "TLS already active");
      return;
    }
    if (!arg.isEmpty()) {
      reply(501, "5.5.4", "Syntax: STARTTLS takes no parameters");
      return;
    }
    discardPlaintext();
    reply(220, "2.0.0", "Ready to start TLS");
    handshake();
  }

  private void discardPlaintext() {
    int n = in.discardBuffered();
    if (n > 0) event("discarded " + n + " plaintext octets the client sent after STARTTLS (command injection)");
  }

  private void handshake() throws IOException {
    out.flush();
    SSLSocket ssl = (SSLSocket) server.certificateInternal().sslContext().getSocketFactory()
        .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    ssl.setUseClientMode(false);
    ssl.setEnabledProtocols(protocols(ssl.getSupportedProtocols()));
    ssl.setSoTimeout(socket.getSoTimeout());
    socket = ssl;
    ssl.startHandshake();
    tlsEstablished(ssl);
    in = new LineReader(ssl.getInputStream());
    out = new BufferedOutputStream(ssl.getOutputStream());
    heloName = null;
    extended = false;
    authUser = null;
    authMech = null;
    resetTransaction();
  }

  private void tlsEstablished(SSLSocket ssl) {
    tls = true;
    tlsProtocol = ssl.getSession().getProtocol();
    event("TLS established: " + tlsProtocol + " " + ssl.getSession().getCipherSuite());
  }

  private void auth(String arg, String line) throws IOException {
    String[] parts = arg.split(" ", 2);
    String mech = parts[0].toUpperCase(Locale.ROOT);
    String initial = parts.length > 1 ? parts[1].strip() : null;
    Fault.Effect e = consult(Stage.AUTH, line, null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() == 235) {
        authUser = Sasl.claimedUser(mech, initial);
        authMech = mech;
      }
      return;
    }
    if (cfg.authMechanisms.isEmpty()) {
      reply(502, "5.5.1", "AUTH not available");
      return;
    }
    if (!authAvailable()) {
      reply(530, "5.7.0", "Must issue a STARTTLS command first");
      return;
    }
    if (!extended) {
      reply(503, "5.5.1", "Send EHLO first");
      return;
    }
    if (authUser != null) {
      reply(503, "5.5.1", "Already authenticated");
      return;
    }
    if (sender != null) {
      reply(503, "5.5.1", "AUTH not permitted during a mail transaction");
      return;
    }
    if (mech.isEmpty()) {
      reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
      return;
    }
    if (!cfg.authMechanisms.contains(mech)) {
      reply(504, "5.5.4", "Unrecognized authentication type " + mech);
      return;
    }
    switch (mech) {
      case "PLAIN" -> authPlain(initial);
      case "LOGIN" -> authLogin(initial);
      case "XOAUTH2" -> authXoauth2(initial);
      case "OAUTHBEARER" -> authOauthBearer(initial);
      default -> reply(504, "5.5.4", "Mechanism " + mech + " is advertised but not implemented by MockSmtpServer");
    }
  }

  private void authPlain(String initial) throws IOException {
    byte[] resp = initial != null ? decode(initial) : challenge("");
    if (resp == null) return;
    Sasl.Login l = Sasl.plain(resp);
    if (l == null) {
      reply(501, "5.5.2", "Malformed PLAIN response");
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
  private void bearer(String initial, String mech, java.util.function.Function<byte[], Sasl.Login> parse, String errorJson)
      throws IOException {
    byte[] resp = initial != null ? decode(initial) : challenge("");
    if (resp == null) return;
    Sasl.Login l = parse.apply(resp);
    if (l.user() != null && l.secret() != null && l.secret().equals(cfg.tokens.get(l.user()))) {
      authResult(true, l.user(), mech);
      return;
    }
    event("bad bearer token for " + l.user() + " with " + mech);
    if (challenge(Sasl.base64(errorJson), false) == null) return;
    if (cfg.authFailure != null) send(new Fault.Reply(535, cfg.authFailure, false));
    else reply(535, "5.7.8", "Username and Password not accepted");
  }

  private void authResult(boolean ok, String user, String mech) throws IOException {
    if (ok) {
      authUser = user;
      authMech = mech;
      event("authenticated " + user + " with " + mech);
      reply(235, "2.7.0", "Authentication successful");
    } else {
      event("authentication failed for " + user + " with " + mech);
      if (cfg.authFailure != null) send(new Fault.Reply(535, cfg.authFailure, false));
      else reply(535, "5.7.8", "Authentication credentials invalid");
    }
  }

  private byte[] challenge(String text) throws IOException {
    return challenge(Sasl.base64(text), true);
  }

  /** Sends {@code 334 b64} and reads the answer; null when the exchange ended (cancel, bad base64, EOF). */
  private byte[] challenge(String b64, boolean decodeAnswer) throws IOException {
    writeRaw("334 " + b64 + "\r\n");
    byte[] raw = in.readLine(COMMAND_LIMIT);
    if (raw == null) {
      closing = true;
      event("client closed the connection during AUTH");
      return null;
    }
    String line = SmtpSyntax.text(raw);
    client(line);
    if (line.equals("*")) {
      reply(501, "5.0.0", "Authentication cancelled");
      return null;
    }
    return decodeAnswer ? decode(line) : new byte[0];
  }

  private byte[] decode(String b64) throws IOException {
    if (b64.equals("=")) return new byte[0];
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      reply(501, "5.5.2", "Cannot decode the response");
      return null;
    }
  }

  private void mail(String arg, String line) throws IOException {
    SmtpSyntax.Path path = SmtpSyntax.path(arg, "FROM:");
    Fault.Effect e = consult(Stage.MAIL, line, null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() / 100 == 2 && path != null) {
        resetTransaction();
        sender = path.address();
        mailParams = path.parameters();
      }
      return;
    }
    if (heloName == null) { reply(503, "5.5.1", "Send HELO/EHLO first"); return; }
    if (sender != null) { reply(503, "5.5.1", "Nested MAIL command"); return; }
    if (cfg.requireTls && !tls) { reply(530, "5.7.0", "Must issue a STARTTLS command first"); return; }
    if (cfg.requireAuth && authUser == null) { reply(530, "5.7.0", "Authentication required"); return; }
    if (path == null) { reply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]"); return; }
    Map<String, String> p = path.parameters();
    for (Map.Entry<String, String> kv : p.entrySet()) {
      String k = kv.getKey();
      String v = kv.getValue();
      boolean ok = switch (k) {
        case "SIZE" -> cfg.size >= 0 && v.matches("[0-9]{1,18}");
        case "BODY" -> cfg.eightBitMime && (v.equalsIgnoreCase("7BIT") || v.equalsIgnoreCase("8BITMIME"));
        case "SMTPUTF8" -> cfg.smtpUtf8 && v.isEmpty();
        case "RET" -> cfg.dsn && (v.equalsIgnoreCase("FULL") || v.equalsIgnoreCase("HDRS"));
        case "ENVID" -> cfg.dsn && !v.isEmpty();
        case "AUTH" -> !cfg.authMechanisms.isEmpty();
        default -> false;
      };
      if (!ok) { reply(555, "5.5.4", "Unsupported parameter " + k + (v.isEmpty() ? "" : "=" + v)); return; }
    }
    if (p.containsKey("SIZE") && Long.parseLong(p.get("SIZE")) > cfg.maxMessageSize) {
      reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
      return;
    }
    String from = path.address();
    if (!from.isEmpty() && !SmtpSyntax.validMailbox(from)) { reply(553, "5.1.7", "Invalid sender address <" + from + ">"); return; }
    if (!SmtpSyntax.isAscii(from) && !p.containsKey("SMTPUTF8")) { reply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); return; }
    sender = from;
    mailParams = p;
    reply(250, "2.1.0", "Sender <" + sender + "> OK");
  }

  private void rcpt(String arg, String line) throws IOException {
    SmtpSyntax.Path path = SmtpSyntax.path(arg, "TO:");
    Fault.Effect e = consult(Stage.RCPT, line, path == null ? null : path.address(), 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() / 100 == 2 && path != null && sender != null) addRecipient(path.address(), path.parameters());
      return;
    }
    if (sender == null) { reply(503, "5.5.1", "Need MAIL before RCPT"); return; }
    if (path == null || path.address().isEmpty()) { reply(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]"); return; }
    String to = path.address();
    Map<String, String> p = path.parameters();
    for (Map.Entry<String, String> kv : p.entrySet()) {
      boolean ok = switch (kv.getKey()) {
        case "NOTIFY", "ORCPT" -> cfg.dsn && !kv.getValue().isEmpty();
        default -> false;
      };
      if (!ok) { reply(555, "5.5.4", "Unsupported parameter " + kv.getKey()); return; }
    }
    if (!SmtpSyntax.validMailbox(to)) { reply(553, "5.1.3", "Invalid recipient address <" + to + ">"); return; }
    if (!SmtpSyntax.isAscii(to) && !mailParams.containsKey("SMTPUTF8")) { reply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); return; }
    if (rcpts.size() >= cfg.maxRecipients) { reply(452, "4.5.3", "Too many recipients"); return; }
    addRecipient(to, p);
    reply(250, "2.1.5", "Recipient <" + to + "> OK");
  }

  private void addRecipient(String address, Map<String, String> params) {
    rcpts.add(address);
    rcptParams.put(address, params);
  }

  private void data(String arg, String line) throws IOException {
    Fault.Effect e = consult(Stage.DATA, line, null, 0);
    if (e instanceof Fault.DropMidData) {
      reply(354, null, "End data with <CR><LF>.<CR><LF>");
      try {
        in.readLine(cfg.maxLineLength);
      } catch (LineReader.LineTooLongException ignored) {
        // part of the message read; that is all we wanted
      }
      event("dropping the connection in the middle of DATA, as scripted");
      closing = true;
      return;
    }
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() == 354) readData();
      return;
    }
    if (sender == null) { reply(503, "5.5.1", "Need MAIL command"); return; }
    if (rcpts.isEmpty()) { reply(554, "5.5.1", "No valid recipients"); return; }
    if (!arg.isEmpty()) { reply(501, "5.5.4", "Syntax: DATA takes no parameters"); return; }
    reply(354, null, "End data with <CR><LF>.<CR><LF>");
    readData();
  }

  private void readData() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long total = 0;
    boolean tooBig = false;
    boolean longLine = false;
    while (true) {
      byte[] l;
      try {
        l = in.readLine(cfg.maxLineLength);
      } catch (LineReader.LineTooLongException ex) {
        longLine = true;
        continue;
      }
      if (l == null) {
        event("client closed the connection during DATA after " + total + " octets");
        closing = true;
        return;
      }
      if (SmtpSyntax.isEndOfData(l)) break;
      int off = l[0] == '.' ? 1 : 0;
      total += l.length - off;
      if (total > cfg.maxMessageSize) tooBig = true;
      else buf.write(l, off, l.length - off);
    }
    client("<message: " + total + " octets>");
    client(".");
    dataEnd(buf.toByteArray(), total, tooBig, longLine, false);
  }

  private void bdat(String arg, String line) throws IOException {
    String[] a = arg.split(" +");
    long n;
    boolean last = a.length == 2 && a[1].equalsIgnoreCase("LAST");
    try {
      n = Long.parseLong(a[0]);
      if (n < 0 || a.length > 2 || (a.length == 2 && !last)) throw new NumberFormatException();
    } catch (NumberFormatException ex) {
      reply(501, "5.5.4", "Syntax: BDAT size [LAST]");
      closing = true; // the chunk's length is unknown: the stream cannot be resynchronised
      return;
    }
    boolean firstChunk = chunks == null;
    if (firstChunk) {
      Fault.Effect e = consult(Stage.DATA, line, null, 0);
      if (e instanceof Fault.DropMidData) {
        in.readExactly(n / 2, null);
        event("dropping the connection in the middle of BDAT, as scripted");
        closing = true;
        return;
      }
      if (e instanceof Fault.Reply r && r.code() / 100 != 2) {
        in.readExactly(n, null);
        send(r);
        chunkFailed = true;
        chunks = new ByteArrayOutputStream();
        if (last) resetTransaction();
        return;
      }
      if (generic(e)) return;
      chunks = new ByteArrayOutputStream();
    }
    long room = cfg.maxMessageSize - chunks.size();
    boolean fits = !chunksTooBig && n <= room;
    if (!in.readExactly(n, fits ? chunks : null)) {
      event("client closed the connection during BDAT");
      closing = true;
      return;
    }
    if (!fits) chunksTooBig = true;
    client("<chunk: " + n + " octets" + (last ? ", last" : "") + ">");
    if (chunkFailed) { reply(503, "5.5.1", "Earlier chunk refused"); if (last) resetTransaction(); return; }
    if (sender == null) { reply(503, "5.5.1", "Need MAIL command"); resetTransaction(); return; }
    if (rcpts.isEmpty()) { reply(554, "5.5.1", "No valid recipients"); resetTransaction(); return; }
    if (!last) {
      reply(250, "2.0.0", n + " octets received");
      return;
    }
    byte[] data = chunks.toByteArray();
    dataEnd(data, data.length, chunksTooBig, false, true);
  }

  private void dataEnd(byte[] data, long size, boolean tooBig, boolean longLine, boolean chunked) throws IOException {
    try {
      Fault.Effect e = consult(Stage.DATA_END, ".", null, size);
      if (generic(e)) return;
      if (e instanceof Fault.Reply r) {
        if (r.code() / 100 == 2) record(data, chunked);
        send(r);
        return;
      }
      if (tooBig) { reply(552, "5.3.4", "Message size exceeds fixed maximum message size"); return; }
      if (longLine) { reply(500, "5.5.2", "Line too long (limit " + cfg.maxLineLength + " octets with CRLF)"); return; }
      RecordedMessage m = record(data, chunked);
      if (m == null) reply(554, "5.5.1", "No valid recipients");
      else reply(250, "2.0.0", "OK: queued as MOCK" + String.format(Locale.ROOT, "%06X", m.index()));
    } finally {
      resetTransaction();
    }
  }

  private RecordedMessage record(byte[] data, boolean chunked) {
    Envelope envelope;
    try {
      envelope = new Envelope(sender == null ? "" : sender, rcpts);
    } catch (MailException e) {
      event("not recorded: " + e.getMessage());
      return null;
    }
    RecordedMessage m = new RecordedMessage(server.nextMessageIndex(), id, envelope, mailParams, rcptParams,
        data, tls, tlsProtocol, authUser, authMech, heloName, chunked, transcript);
    event("recorded message #" + m.index() + " (" + data.length + " octets)");
    server.record(m);
    return m;
  }

  private void rset(String line) throws IOException {
    Fault.Effect e = consult(Stage.RSET, line, null, 0);
    if (generic(e)) return;
    resetTransaction();
    if (e instanceof Fault.Reply r) send(r);
    else reply(250, "2.0.0", "Flushed");
  }

  private void quit(String line) throws IOException {
    Fault.Effect e = consult(Stage.QUIT, line, null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) send(r);
    else reply(221, "2.0.0", cfg.hostname + " closing connection");
    closing = true;
  }

  private void simple(String line, int code, String enhanced, String text) throws IOException {
    Fault.Effect e = consult(null, line, null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) send(r);
    else reply(code, enhanced, text);
  }

  private void unknown(String line) throws IOException {
    Fault.Effect e = consult(null, line, null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      return;
    }
    if (++errors > MAX_ERRORS) {
      reply(421, "4.7.0", "Too many errors, closing connection");
      closing = true;
      return;
    }
    reply(500, "5.5.1", "Command unrecognized");
  }

  private void resetTransaction() {
    sender = null;
    mailParams = new LinkedHashMap<>();
    rcpts.clear();
    rcptParams.clear();
    chunks = null;
    chunksTooBig = false;
    chunkFailed = false;
  }

  // ---- faults ----

  /** Asks the dispatcher and the script; waits out a {@link Fault.Delay} here and returns null for it. */
  private Fault.Effect consult(Stage stage, String line, String recipient, long size) throws IOException {
    Fault.Effect e = server.effectFor(new SmtpCommand(id, stage, line, recipient, tls, authUser, size));
    if (e == null) return null;
    event("scripted " + (stage == null ? "" : "at " + stage + ": ") + e);
    if (e instanceof Fault.Delay d) {
      out.flush();
      if (server.sleep(d.duration())) closing = true;
      return null;
    }
    if (e instanceof Fault.Drip d) {
      drip = d.interval();
      return null;
    }
    return e;
  }

  /** Carries out the effects that mean the same at every stage; true when it did. */
  private boolean generic(Fault.Effect e) throws IOException {
    if (closing) return true;
    if (e == null || e instanceof Fault.Reply) return false;
    if (e instanceof Fault.RawReply r) {
      writeRaw(r.text());
      if (r.close()) closing = true;
    } else if (e instanceof Fault.NoReply) {
      out.flush();
      hang();
    } else {
      // Drop, and effects that do not fit this stage (from a dispatcher): close.
      closing = true;
    }
    return true;
  }

  private void hang() throws IOException {
    while (!server.isStopped()) {
      try {
        in.drain();
        event("client closed the connection while the server was not answering");
        break;
      } catch (SocketTimeoutException stillThere) {
        // keep not answering
      }
    }
    closing = true;
  }

  // ---- wire ----

  private void reply(int code, String enhanced, String text) throws IOException {
    writeRaw(code + " " + code(enhanced) + text + "\r\n");
  }

  private String code(String enhanced) {
    return enhanced != null && cfg.enhancedStatusCodes ? enhanced + " " : "";
  }

  private void send(Fault.Reply r) throws IOException {
    writeRaw(r.wire());
    if (r.close()) closing = true;
  }

  private void writeRaw(String s) throws IOException {
    for (String l : s.split("\r\n", -1)) if (!l.isEmpty()) log("S: " + l);
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Duration every = drip;
    if (every == null) {
      out.write(b);
      out.flush();
      return;
    }
    drip = null;
    for (byte x : b) {
      out.write(x);
      out.flush();
      if (server.sleep(every)) {
        closing = true;
        return;
      }
    }
  }

  private void client(String line) { log("C: " + line); }

  private void event(String text) { log("*: " + text); }

  private void log(String line) {
    String shown = line.length() > 2000 ? line.substring(0, 2000) + "… (" + line.length() + " chars)" : line;
    if (transcript.size() < 10_000) transcript.add(shown);
    server.log(id, shown);
  }
}
