package dev.herald.mail.testkit;

import dev.herald.mail.Address;
import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.Stage;
import dev.herald.mail.testkit.internal.LineReader;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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
        String line = text(raw);
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
        authUser = claimedUser(mech, initial);
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
    String[] f = new String(resp, StandardCharsets.UTF_8).split("\0", -1);
    if (f.length != 3) {
      reply(501, "5.5.2", "Malformed PLAIN response");
      return;
    }
    boolean ok = cfg.users.containsKey(f[1]) && cfg.users.get(f[1]).equals(f[2])
        && (f[0].isEmpty() || f[0].equals(f[1]));
    authResult(ok, f[1], "PLAIN");
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
    byte[] resp = initial != null ? decode(initial) : challenge("");
    if (resp == null) return;
    String user = null;
    String token = null;
    for (String kv : new String(resp, StandardCharsets.UTF_8).split("\u0001")) {
      if (kv.startsWith("user=")) user = kv.substring(5);
      else if (kv.regionMatches(true, 0, "auth=Bearer ", 0, 12)) token = kv.substring(12);
    }
    if (user != null && token != null && token.equals(cfg.tokens.get(user))) {
      authResult(true, user, "XOAUTH2");
      return;
    }
    String json = "{\"status\":\"401\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}";
    if (challenge(new String(Base64.getEncoder().encode(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII), false) == null) return;
    reply(535, "5.7.8", "Username and Password not accepted");
  }

  private void authOauthBearer(String initial) throws IOException {
    byte[] resp = initial != null ? decode(initial) : challenge("");
    if (resp == null) return;
    String s = new String(resp, StandardCharsets.UTF_8);
    String user = null;
    String token = null;
    int first = s.indexOf('\u0001');
    String gs2 = first < 0 ? s : s.substring(0, first);
    for (String f : gs2.split(",")) if (f.startsWith("a=")) user = f.substring(2).replace("=2C", ",").replace("=3D", "=");
    if (first >= 0) {
      for (String kv : s.substring(first + 1).split("\u0001")) {
        if (kv.regionMatches(true, 0, "auth=Bearer ", 0, 12)) token = kv.substring(12);
      }
    }
    if (user != null && token != null && token.equals(cfg.tokens.get(user))) {
      authResult(true, user, "OAUTHBEARER");
      return;
    }
    String json = "{\"status\":\"invalid_token\",\"scope\":\"https://mail.google.com/\",\"schemes\":\"bearer\"}";
    if (challenge(new String(Base64.getEncoder().encode(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII), false) == null) return;
    reply(535, "5.7.8", "Username and Password not accepted");
  }

  private void authResult(boolean ok, String user, String mech) throws IOException {
    if (ok) {
      authUser = user;
      authMech = mech;
      event("authenticated " + user + " with " + mech);
      reply(235, "2.7.0", "Authentication successful");
    } else {
      event("authentication failed for " + user + " with " + mech);
      reply(535, "5.7.8", "Authentication credentials invalid");
    }
  }

  private byte[] challenge(String text) throws IOException {
    return challenge(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)), true);
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
    String line = text(raw);
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

  private static String claimedUser(String mech, String initial) {
    if (initial == null) return "(scripted)";
    try {
      String s = new String(Base64.getDecoder().decode(initial), StandardCharsets.UTF_8);
      if (mech.equals("PLAIN")) {
        String[] f = s.split("\0", -1);
        return f.length == 3 ? f[1] : "(scripted)";
      }
      if (mech.equals("XOAUTH2") && s.startsWith("user=")) return s.substring(5, Math.max(5, s.indexOf('\u0001')));
      if (mech.equals("LOGIN")) return s;
    } catch (IllegalArgumentException ignored) {
      // not base64
    }
    return "(scripted)";
  }

  private void mail(String arg, String line) throws IOException {
    String[] path = path(arg, "FROM:");
    Fault.Effect e = consult(Stage.MAIL, line, null, 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() / 100 == 2 && path != null) {
        resetTransaction();
        sender = path[0];
        mailParams = params(path[1]);
      }
      return;
    }
    if (heloName == null) { reply(503, "5.5.1", "Send HELO/EHLO first"); return; }
    if (sender != null) { reply(503, "5.5.1", "Nested MAIL command"); return; }
    if (cfg.requireTls && !tls) { reply(530, "5.7.0", "Must issue a STARTTLS command first"); return; }
    if (cfg.requireAuth && authUser == null) { reply(530, "5.7.0", "Authentication required"); return; }
    if (path == null) { reply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]"); return; }
    Map<String, String> p = params(path[1]);
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
    if (!path[0].isEmpty() && !validAddress(path[0])) { reply(553, "5.1.7", "Invalid sender address <" + path[0] + ">"); return; }
    if (!isAscii(path[0]) && !p.containsKey("SMTPUTF8")) { reply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); return; }
    sender = path[0];
    mailParams = p;
    reply(250, "2.1.0", "Sender <" + sender + "> OK");
  }

  private void rcpt(String arg, String line) throws IOException {
    String[] path = path(arg, "TO:");
    Fault.Effect e = consult(Stage.RCPT, line, path == null ? null : path[0], 0);
    if (generic(e)) return;
    if (e instanceof Fault.Reply r) {
      send(r);
      if (r.code() / 100 == 2 && path != null && sender != null) addRecipient(path[0], params(path[1]));
      return;
    }
    if (sender == null) { reply(503, "5.5.1", "Need MAIL before RCPT"); return; }
    if (path == null || path[0].isEmpty()) { reply(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]"); return; }
    Map<String, String> p = params(path[1]);
    for (Map.Entry<String, String> kv : p.entrySet()) {
      boolean ok = switch (kv.getKey()) {
        case "NOTIFY", "ORCPT" -> cfg.dsn && !kv.getValue().isEmpty();
        default -> false;
      };
      if (!ok) { reply(555, "5.5.4", "Unsupported parameter " + kv.getKey()); return; }
    }
    if (!validAddress(path[0])) { reply(553, "5.1.3", "Invalid recipient address <" + path[0] + ">"); return; }
    if (!isAscii(path[0]) && !mailParams.containsKey("SMTPUTF8")) { reply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); return; }
    if (rcpts.size() >= cfg.maxRecipients) { reply(452, "4.5.3", "Too many recipients"); return; }
    addRecipient(path[0], p);
    reply(250, "2.1.5", "Recipient <" + path[0] + "> OK");
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
      if (isDotLine(l)) break;
      int off = l[0] == '.' ? 1 : 0;
      total += l.length - off;
      if (total > cfg.maxMessageSize) tooBig = true;
      else buf.write(l, off, l.length - off);
    }
    client("<message: " + total + " octets>");
    client(".");
    dataEnd(buf.toByteArray(), total, tooBig, longLine, false);
  }

  private static boolean isDotLine(byte[] l) {
    return (l.length == 3 && l[0] == '.' && l[1] == '\r' && l[2] == '\n') || (l.length == 2 && l[0] == '.' && l[1] == '\n');
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
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void client(String line) { log("C: " + line); }

  private void event(String text) { log("*: " + text); }

  private void log(String line) {
    String shown = line.length() > 2000 ? line.substring(0, 2000) + "… (" + line.length() + " chars)" : line;
    if (transcript.size() < 10_000) transcript.add(shown);
    server.log(id, shown);
  }

  private static String text(byte[] raw) {
    int n = raw.length;
    if (n > 0 && raw[n - 1] == '\n') n--;
    if (n > 0 && raw[n - 1] == '\r') n--;
    return new String(raw, 0, n, StandardCharsets.UTF_8);
  }

  /** {@code FROM:<a@b> PARAMS} → [address, params]; null when malformed. */
  private static String[] path(String arg, String keyword) {
    if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) return null;
    String s = arg.substring(keyword.length()).stripLeading();
    if (!s.startsWith("<")) return null;
    boolean quoted = false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quoted) i++;
      else if (c == '"') quoted = !quoted;
      else if (c == '>' && !quoted) {
        String addr = s.substring(1, i);
        int colon = addr.indexOf(':');
        if (addr.startsWith("@") && colon > 0) addr = addr.substring(colon + 1); // source route
        return new String[] {addr, s.substring(i + 1).strip()};
      }
    }
    return null;
  }

  private static Map<String, String> params(String s) {
    Map<String, String> p = new LinkedHashMap<>();
    if (s == null || s.isBlank()) return p;
    for (String t : s.strip().split(" +")) {
      int eq = t.indexOf('=');
      p.put((eq < 0 ? t : t.substring(0, eq)).toUpperCase(Locale.ROOT), eq < 0 ? "" : t.substring(eq + 1));
    }
    return p;
  }

  private static boolean validAddress(String a) {
    try {
      Address.parse(a);
      return a.indexOf('<') < 0 && a.indexOf(' ') < 0 || a.startsWith("\"");
    } catch (MailException e) {
      return false;
    }
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0x7f) return false;
    return true;
  }
}
