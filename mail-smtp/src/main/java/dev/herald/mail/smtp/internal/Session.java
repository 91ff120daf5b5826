package dev.herald.mail.smtp.internal;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.Printable;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.smtp.SmtpSettings;
import dev.herald.mail.smtp.TlsPolicy;
import dev.herald.mail.spi.Credentials;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP connection: the handshake (greeting, EHLO or HELO, STARTTLS, EHLO again, AUTH) and then
 * any number of mail transactions, pipelined when the server allows. Not thread-safe: one thread
 * uses a session at a time (the pool sees to that).
 *
 * <p>Throughput comes from writing each flight with one flush: MAIL, every RCPT and DATA together;
 * the end of one message together with the next message's envelope; or, with CHUNKING, the whole
 * message as {@code BDAT n LAST} right behind its envelope.
 */
public final class Session implements AutoCloseable {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final AtomicInteger IDS = new AtomicInteger();

  private final SmtpSettings settings;
  // Built on first use: a plaintext session never pays for loading the trust store.
  private final Supplier<Tls> tls;
  private final Credentials credentials;
  private final String fallbackUser;
  private final Trace trace;
  private final String server;
  private final int replyMillis;
  private final int dataEndMillis;
  private final Preparer preparer;
  private final DataEncoder encoder;
  private final Staging staging;

  private Socket socket;
  // The TCP socket under TLS (or the socket itself): what the watchdog closes. Closing the TLS socket
  // from the watchdog's thread would try to send close_notify, which can block on a stuck peer.
  private Socket tcp;
  private OutputStream out;
  private ReplyReader in;
  private SmtpReply greeting;
  private Capabilities caps = Capabilities.NONE;
  private SSLSession tlsSession;
  private String authMechanism;
  private boolean heloOnly;
  private boolean broken;
  private boolean needsReset;
  private int messages;
  private long lastUsed;
  private volatile long writeDeadline;
  private volatile boolean writeTimedOut;
  // Plaintext reads block without a socket timeout and the watchdog enforces this deadline: a timed
  // read on a JDK socket makes it non-blocking, and each reply then costs a failed read and a poll
  // before the read that gets it (twice the system calls). TLS sockets keep their socket timeout as
  // well, but it is re-armed by every read: only the watchdog's deadline bounds a reply as a whole.
  private volatile long readDeadline;
  private volatile boolean readTimedOut;
  private int readMillis;
  // When the reply being read must be complete: set once per reply, so that a server dripping a
  // byte at a time cannot stretch one reply beyond the timeout.
  private long replyDeadline;
  private boolean socketFailed;

  private Session(SmtpSettings settings, Supplier<Tls> tls, Credentials credentials, String fallbackUser, Trace trace) {
    this.settings = settings;
    this.tls = tls;
    this.credentials = credentials;
    this.fallbackUser = fallbackUser;
    this.trace = trace;
    this.server = settings.host() + ":" + settings.port();
    this.replyMillis = millis(settings.timeouts().reply());
    this.dataEndMillis = millis(settings.timeouts().dataEnd());
    this.preparer = new Preparer(settings, server);
    this.encoder = preparer.encoder();
    this.staging = preparer.staging();
  }

  /** Connects and runs the whole handshake; on failure nothing stays open. */
  public static Session open(SmtpSettings settings, Supplier<Tls> tls, Credentials credentials, String fallbackUser,
      dev.herald.mail.spi.TraceListener listener) {
    Trace trace = new Trace(listener, "smtp#" + IDS.incrementAndGet() + " ");
    Session s = new Session(settings, tls, credentials, fallbackUser, trace);
    try {
      s.handshake();
      return s;
    } catch (RuntimeException e) {
      s.abort();
      throw e;
    }
  }

  // ---------------------------------------------------------------- handshake

  private void handshake() {
    connect();
    Stage stage = Stage.CONNECT;
    try {
      greeting = read(Stage.CONNECT);
      if (greeting.code() != 220) {
        throw Failures.reply(Stage.CONNECT, greeting, server + " refused the session", null);
      }
      stage = Stage.EHLO;
      ehlo();
      TlsPolicy policy = settings.tls();
      if (policy == TlsPolicy.STARTTLS || (policy == TlsPolicy.OPPORTUNISTIC && caps.startTls())) {
        stage = Stage.STARTTLS;
        if (!caps.startTls()) {
          throw new TlsException(server + " does not offer STARTTLS; tls = starttls requires it", Stage.STARTTLS, 0, null, null,
              "use tls = implicit if the server offers SMTPS (usually port 465); tls = none only on a trusted network", null);
        }
        startTls();
        stage = Stage.EHLO;
        ehlo();
      }
      if (credentials.present()) {
        stage = Stage.AUTH;
        authenticate();
      }
      lastUsed = System.nanoTime();
    } catch (IOException e) {
      throw Failures.io(stage, e, server, settings.timeouts().reply());
    }
  }

  private void connect() {
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(true);
      raw.connect(new InetSocketAddress(settings.host(), settings.port()), millis(settings.timeouts().connect()));
      readMillis = replyMillis;
      if (settings.tls() == TlsPolicy.IMPLICIT) raw.setSoTimeout(replyMillis);
    } catch (UnknownHostException e) {
      Tls.closeQuietly(raw);
      throw new HostUnreachableException("unknown host '" + settings.host() + "'", Stage.CONNECT, 0, null, null,
          "check the host name in the profile", e);
    } catch (ConnectException | NoRouteToHostException e) {
      Tls.closeQuietly(raw);
      throw new HostUnreachableException("cannot connect to " + server + ": " + e.getMessage(), Stage.CONNECT, 0, null, null,
          "check host and port, and that the server is running", e);
    } catch (SocketTimeoutException e) {
      Tls.closeQuietly(raw);
      throw Failures.io(Stage.CONNECT, e, server, settings.timeouts().connect());
    } catch (IOException e) {
      Tls.closeQuietly(raw);
      throw new HostUnreachableException("cannot connect to " + server + ": " + e.getMessage(), Stage.CONNECT, 0, null, null,
          "check host and port", e);
    }
    socket = raw;
    tcp = raw;
    trace.info("connected to " + server + " (" + raw.getInetAddress().getHostAddress() + ")");
    Watchdog.watch(this);
    if (settings.tls() == TlsPolicy.IMPLICIT) {
      socket = handshakeTls(Stage.CONNECT);
      tlsEstablished();
    }
    streams();
  }

  /** The TLS handshake, as a whole within the reply timeout (its reads, too, re-arm the socket's). */
  private SSLSocket handshakeTls(Stage stage) {
    readDeadline = System.nanoTime() + replyMillis * 1_000_000L;
    try {
      return tls.get().handshake(socket, settings.host(), settings.port(), replyMillis, stage);
    } catch (MailException e) {
      // The watchdog closed the socket: report the timeout, not the closed socket it caused.
      if (!readTimedOut) throw e;
      throw Tls.timedOut(settings.host(), settings.port(), replyMillis, stage, e.getCause());
    } finally {
      readDeadline = 0;
    }
  }

  private void streams() {
    try {
      OutputStream raw = socket.getOutputStream();
      out = new BufferedOutputStream(new WatchedStream(raw), 64 * 1024);
      InputStream input = socket.getInputStream();
      in = new ReplyReader(new WatchedInput(input));
    } catch (IOException e) {
      throw Failures.io(Stage.CONNECT, e, server, settings.timeouts().reply());
    }
  }

  private void tlsEstablished() {
    tlsSession = ((SSLSocket) socket).getSession();
    trace.info("TLS established: " + tlsSession.getProtocol() + " " + tlsSession.getCipherSuite());
  }

  private void ehlo() throws IOException {
    String name = settings.localName() != null ? settings.localName() : LocalName.of(socket);
    SmtpReply r = command("EHLO " + name, Stage.EHLO);
    if (r.code() == 500 || r.code() == 502) {
      r = command("HELO " + name, Stage.EHLO);
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
    SmtpReply r = command("STARTTLS", Stage.STARTTLS);
    if (r.code() != 220) {
      MailException f = Failures.reply(Stage.STARTTLS, r, "STARTTLS was refused", null);
      if (f instanceof TransientMailException) throw f;
      throw new TlsException(f.getMessage(), Stage.STARTTLS, r.code(), r.enhancedCode(), r.text(), null, null);
    }
    // Anything already sent after the 220 would be read as if it came over TLS: an injection attack.
    if (in.hasBuffered()) {
      throw new MalformedReplyException("the server sent data after its STARTTLS reply, before the TLS handshake"
          + " (a STARTTLS injection attempt?); the connection was closed", Stage.STARTTLS, 0, null, null,
          "this is a broken or hostile server or network path; do not use it", null);
    }
    socket = handshakeTls(Stage.STARTTLS);
    tlsEstablished();
    streams();
    caps = Capabilities.NONE;  // forget what the plaintext EHLO said
  }

  private void authenticate() throws IOException {
    boolean plaintextOk = settings.allowPlaintextAuth()
        || (settings.tls() == TlsPolicy.NONE && socket.getInetAddress().isLoopbackAddress());
    if (tlsSession == null && !plaintextOk) {
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
      write(line, traceLine);
      flush();
      return read(Stage.AUTH);
    });
    authMechanism = mech;
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Sends the jobs in order on this connection, pipelined when possible. Stops early when the
   * connection breaks or reaches its message cap; jobs left not {@link Job#done()} were not
   * attempted here and may go on another connection.
   */
  public void transfer(List<Job> jobs) {
    if (!usable()) return;
    boolean pipe = settings.pipelining() && caps.pipelining();
    Queue q = new Queue(jobs);
    Job cur = null;
    Job ahead = null;
    try {
      cur = prepareNext(q);
      if (cur == null) return;
      if (pipe) {
        writeHead(cur);
        flush();
      } else {
        lockstepHead(cur);
      }
      while (cur != null) {
        if (pipe) readHead(cur);
        ahead = null;
        if (cur.ready) {
          if (!writeBody(cur)) return;
          if (pipe) {
            ahead = prepareNext(q);
            if (ahead != null) writeHead(ahead);
          }
          flush();
          readEnd(cur);
          if (!pipe) {
            ahead = prepareNext(q);
            if (ahead != null) lockstepHead(ahead);
          }
        } else {
          if (broken) return;
          ahead = prepareNext(q);
          if (ahead != null) {
            if (pipe) {
              writeHead(ahead);
              flush();
            } else {
              lockstepHead(ahead);
            }
          }
        }
        cur = ahead;
      }
    } catch (Closing c) {
      broken = true;
      if (c.job != null) c.job.fail(Failures.reply(c.stage, c.reply, server + " is closing the connection", null), false);
      unanswered(cur, ahead, null);
      abort();
    } catch (IOException e) {
      broken = true;
      Stage stage = writeTimedOut ? Stage.DATA : stageOf(cur);
      TransientMailException f = Failures.io(stage, writeTimedOut ? new SocketTimeoutException("write timed out") : e,
          server, stage == Stage.DATA_END ? settings.timeouts().dataEnd() : settings.timeouts().reply());
      unanswered(cur, ahead, f);
      abort();
    } catch (MalformedReplyException e) {
      broken = true;
      unanswered(cur, ahead, e);
      abort();
    } catch (RuntimeException e) {
      broken = true;
      unanswered(cur, ahead, new MailException("internal error while sending: " + e, e));
      abort();
      throw e;
    } finally {
      lastUsed = System.nanoTime();
    }
  }

  /** After a broken connection: a job whose end of data went out unanswered may have been delivered. */
  private void unanswered(Job cur, Job ahead, MailException f) {
    for (Job j : new Job[] {cur, ahead}) {
      if (j == null || j.done()) continue;
      if (j.dataEndSent) {
        MailException e = f != null ? f : new TransientMailException("the connection to " + server + " closed after the end of the message");
        j.fail(new TransientMailException(e.getMessage() + "; the message may have been delivered, so it is not retried",
            Stage.DATA_END, e.replyCode(), e.enhancedCode().orElse(null), e.serverText().orElse(null),
            "check the recipient's mailbox before sending again", e), true);
      } else if (j == cur && f != null) {
        j.fail(f, false);
      }
    }
  }

  private static Stage stageOf(Job j) {
    if (j == null) return Stage.MAIL;
    if (j.dataEndSent) return Stage.DATA_END;
    if (j.ready) return Stage.DATA;
    return Stage.MAIL;
  }

  private static final class Queue {
    final List<Job> jobs;
    int next;
    Queue(List<Job> jobs) { this.jobs = jobs; }
  }

  /** The next job that is ready to go, failing those that cannot be sent at all; null when none (or at the cap). */
  private Job prepareNext(Queue q) {
    while (q.next < q.jobs.size()) {
      if (settings.maxMessagesPerConnection() > 0 && messages >= settings.maxMessagesPerConnection()) return null;
      Job j = q.jobs.get(q.next++);
      if (j.done()) continue;
      if (preparer.prepare(j, caps)) return j;
    }
    return null;
  }

  private void writeHead(Job j) throws IOException {
    if (needsReset) {
      write("RSET", null);
      j.resetSent = true;
      needsReset = false;
    }
    write(j.mailLine, null);
    messages++;
    for (String r : j.envelope.recipients()) write(preparer.rcptLine(r, caps), null);
    if (j.bdat) {
      write("BDAT " + staging.length() + " LAST", null);
      out.write(staging.array(), 0, staging.length());
      traceBody(staging.length());
      j.dataEndSent = true;
    } else {
      write("DATA", null);
    }
  }

  private void readHead(Job j) throws IOException {
    if (j.resetSent) read(Stage.RSET, j);
    SmtpReply mail = read(Stage.MAIL, j);
    for (String r : j.envelope.recipients()) recipient(j, r, read(Stage.RCPT, j));
    SmtpReply last;
    if (j.bdat) {
      readTimeout(dataEndMillis);
      try {
        last = read(Stage.DATA_END, j);
      } finally {
        readTimeout(replyMillis);
      }
    } else {
      last = read(Stage.DATA, j);
    }
    if (!mail.positive()) {
      j.fail(Failures.reply(Stage.MAIL, mail, "MAIL FROM:<" + j.envelope.sender() + "> was refused", null), false);
      if (last.code() == 354) throw confused(j);
    } else if (j.accepted.isEmpty()) {
      j.fail(allRejected(j), false);
      needsReset = true;
      if (last.code() == 354) throw confused(j);
    } else if (j.bdat) {
      if (last.positive()) {
        j.succeed(receipt(j, last));
      } else {
        j.fail(Failures.reply(Stage.DATA_END, last, "the server refused the message", null), false);
        needsReset = true;
      }
    } else if (last.code() == 354) {
      j.ready = true;
    } else {
      j.fail(Failures.reply(Stage.DATA, last, "DATA was refused", null), false);
      needsReset = true;
    }
  }

  private MalformedReplyException confused(Job j) {
    return new MalformedReplyException("the server accepted DATA although no recipient was accepted", Stage.DATA, 354, null,
        null, null, null);
  }

  private void lockstepHead(Job j) throws IOException {
    if (needsReset) {
      needsReset = false;
      j.resetSent = true;
      command("RSET", Stage.RSET, j);
    }
    messages++;
    SmtpReply mail = command(j.mailLine, Stage.MAIL, j);
    if (!mail.positive()) {
      j.fail(Failures.reply(Stage.MAIL, mail, "MAIL FROM:<" + j.envelope.sender() + "> was refused", null), false);
      return;
    }
    for (String r : j.envelope.recipients()) recipient(j, r, command(preparer.rcptLine(r, caps), Stage.RCPT, j));
    if (j.accepted.isEmpty()) {
      j.fail(allRejected(j), false);
      needsReset = true;
      return;
    }
    SmtpReply data = command("DATA", Stage.DATA, j);
    if (data.code() == 354) {
      j.ready = true;
    } else {
      j.fail(Failures.reply(Stage.DATA, data, "DATA was refused", null), false);
      needsReset = true;
    }
  }

  private static void recipient(Job j, String rcpt, SmtpReply r) {
    if (r.positive()) j.accepted.add(rcpt);
    else j.rejected.add(new SendReceipt.Rejection(rcpt, r.code(), r.enhancedCode(), r.text()));
  }

  /** Every recipient refused: permanent only when every refusal was permanent. */
  private MailException allRejected(Job j) {
    SendReceipt r = new SendReceipt(j.content.messageId().orElse(null), List.of(), j.rejected, null, server);
    for (SendReceipt.Rejection x : j.rejected) {
      if (x.code() < 500) {
        return new TransientMailException("every recipient was refused, " + x.recipient() + " for now: " + x.code()
            + (x.enhancedCode() == null ? "" : " " + x.enhancedCode()) + " " + Printable.escape(x.text()), Stage.RCPT, x.code(),
            x.enhancedCode(), x.text(), "try again later", null);
      }
    }
    return new RecipientsRejectedException(r);
  }

  /** Sends the content after 354; false when the message had to be abandoned (connection closed, nothing delivered). */
  private boolean writeBody(Job j) throws IOException {
    if (j.staged) {
      out.write(staging.array(), 0, staging.length());
      traceBody(staging.length());
    } else {
      encoder.reset(out, true);
      socketFailed = false;
      MailException local;
      try {
        j.content.writeTo(encoder);
        encoder.finish(true);
        local = null;
      } catch (IOException e) {
        if (socketFailed) throw e;
        local = encoder.failure() != null ? Preparer.tooLong(encoder.failure())
            : new LocalIoException("cannot read the message while sending it: " + e.getMessage(), e);
      } catch (MailException e) {
        local = e;
      } catch (RuntimeException e) {
        local = new MailException("cannot write the message while sending it: " + e, e);
      }
      if (local != null) {
        // Part of the message is out; only closing without the final "." keeps it from being delivered.
        trace.info("message abandoned: " + local.getMessage() + "; closing the connection");
        j.fail(local, false);
        broken = true;
        abort();
        return false;
      }
      traceBody(encoder.size());
    }
    j.dataEndSent = true;
    return true;
  }

  private void readEnd(Job j) throws IOException {
    readTimeout(dataEndMillis);
    SmtpReply r;
    try {
      r = read(Stage.DATA_END, j);
    } finally {
      readTimeout(replyMillis);
    }
    if (r.positive()) j.succeed(receipt(j, r));
    else j.fail(Failures.reply(Stage.DATA_END, r, "the server refused the message", null), false);
  }

  private SendReceipt receipt(Job j, SmtpReply end) {
    return new SendReceipt(j.content.messageId().orElse(null), j.accepted, j.rejected, end.toString(), server);
  }

  // ---------------------------------------------------------------- plumbing

  /** Thrown when the server answers 421: it is closing the connection. */
  private static final class Closing extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Job job;
    final transient SmtpReply reply;
    final Stage stage;
    Closing(Job job, SmtpReply reply, Stage stage) {
      super(null, null, false, false);
      this.job = job;
      this.reply = reply;
      this.stage = stage;
    }
  }

  private SmtpReply read(Stage stage) throws IOException {
    replyDeadline = System.nanoTime() + readMillis * 1_000_000L;
    return in.read(stage, trace);
  }

  private SmtpReply read(Stage stage, Job j) throws IOException {
    SmtpReply r = read(stage);
    if (r.code() == 421) throw new Closing(j, r, stage);
    return r;
  }

  private SmtpReply command(String line, Stage stage) throws IOException {
    write(line, null);
    flush();
    return read(stage);
  }

  private SmtpReply command(String line, Stage stage, Job j) throws IOException {
    write(line, null);
    flush();
    return read(stage, j);
  }

  private void write(String line, String traceLine) throws IOException {
    if (trace.enabled()) trace.client(traceLine != null ? traceLine : line);
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write(CRLF);
  }

  private void traceBody(long octets) {
    if (trace.enabled()) trace.client("<message " + octets + " bytes>");
  }

  private void flush() throws IOException {
    out.flush();
  }

  /** Called by the watchdog: closes the connection when a write, or a reply, has taken too long. */
  void abortIfOverdue(long now) {
    long d = writeDeadline;
    if (d != 0 && now - d > 0) {
      writeTimedOut = true;
      Tls.closeQuietly(tcp);
    }
    long r = readDeadline;
    if (r != 0 && now - r > 0) {
      readTimedOut = true;
      Tls.closeQuietly(tcp);
    }
  }

  /**
   * The wait for each of the next replies: the watchdog's deadline, and over TLS the socket's timeout
   * as well. Quiet on a closed socket: it is called in {@code finally} blocks, where it must not hide
   * the timeout that closed it (the next read reports the closed socket anyway).
   */
  private void readTimeout(int millis) {
    readMillis = millis;
    if (socket instanceof SSLSocket) {
      try {
        socket.setSoTimeout(millis);
      } catch (java.net.SocketException closed) {
        // see above
      }
    }
  }

  /** Blocking reads under the current reply's deadline, which the watchdog enforces by closing the socket. */
  private final class WatchedInput extends InputStream {
    private final InputStream raw;
    WatchedInput(InputStream raw) { this.raw = raw; }
    @Override public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }
    @Override public int read(byte[] b, int off, int len) throws IOException {
      readDeadline = replyDeadline;
      try {
        return raw.read(b, off, len);
      } catch (IOException e) {
        if (readTimedOut) throw new SocketTimeoutException("Read timed out");
        throw e;
      } finally {
        readDeadline = 0;
      }
    }
    @Override public int available() throws IOException { return raw.available(); }
  }

  /** Sets a deadline around every write to the socket so that the watchdog can end a stuck one. */
  private final class WatchedStream extends OutputStream {
    private final OutputStream raw;
    WatchedStream(OutputStream raw) { this.raw = raw; }
    @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }
    @Override public void write(byte[] b, int off, int len) throws IOException {
      writeDeadline = System.nanoTime() + (long) Math.max(replyMillis, 1000) * 1_000_000L;
      try {
        raw.write(b, off, len);
      } catch (IOException e) {
        socketFailed = true;
        throw e;
      } finally {
        writeDeadline = 0;
      }
    }
    @Override public void flush() throws IOException {
      try {
        raw.flush();
      } catch (IOException e) {
        socketFailed = true;
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- state for the pool

  /** False once the connection failed or the server closed it; such a session is only closed. */
  public boolean usable() {
    return !broken && socket != null && !socket.isClosed();
  }

  /** True when the message cap of this connection is reached. */
  public boolean exhausted() {
    return settings.maxMessagesPerConnection() > 0 && messages >= settings.maxMessagesPerConnection();
  }

  /** Messages this connection may still carry; {@code Integer.MAX_VALUE} without a cap. */
  public int remaining() {
    return settings.maxMessagesPerConnection() > 0 ? Math.max(0, settings.maxMessagesPerConnection() - messages) : Integer.MAX_VALUE;
  }

  public int messages() { return messages; }

  public long idleNanos() { return System.nanoTime() - lastUsed; }

  /** True when this session has carried a transaction before (a failure on it may be a stale connection). */
  public boolean reused() { return messages > 0; }

  /** NOOP: is the connection still alive after sitting idle? */
  public boolean noop() {
    try {
      SmtpReply r = command("NOOP", Stage.RSET);
      lastUsed = System.nanoTime();
      if (r.positive()) return true;
    } catch (IOException | MailException e) {
      trace.info("connection found dead: " + e.getMessage());
    }
    broken = true;
    return false;
  }

  /** What {@code herald check} shows: greeting, capabilities, TLS, certificate, AUTH mechanism. */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("server", server);
    // What the server sent (greeting, capabilities, certificate names) is printed: escaped.
    m.put("greeting", Printable.escape(greeting.toString()));
    m.put("esmtp", heloOnly ? "no (HELO only)" : "yes");
    m.put("capabilities", caps.lines().isEmpty() ? "(none)" : Printable.escape(String.join(", ", caps.lines())));
    if (tlsSession != null) {
      m.put("tls", tlsSession.getProtocol());
      m.put("cipher", tlsSession.getCipherSuite());
      try {
        Certificate[] chain = tlsSession.getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
          m.put("certificate", Printable.escape(x.getSubjectX500Principal().getName()));
          m.put("certificate issuer", Printable.escape(x.getIssuerX500Principal().getName()));
          m.put("certificate expires", x.getNotAfter().toInstant().toString());
        }
      } catch (SSLPeerUnverifiedException e) {
        m.put("certificate", "(not verified)");
      }
    } else {
      m.put("tls", "none (plaintext)");
    }
    m.put("auth", authMechanism == null ? "none" : authMechanism.toUpperCase(java.util.Locale.ROOT));
    return m;
  }

  /** QUIT and close; quiet, bounded by a short timeout. */
  @Override public void close() {
    if (usable()) {
      try {
        write("QUIT", null);
        flush();
        readTimeout(Math.min(replyMillis, 5000));
        read(Stage.QUIT);
      } catch (IOException | RuntimeException e) {
        // the server may close first; nothing is lost
      }
    }
    abort();
  }

  /** Closes the socket at once, without QUIT. */
  public void abort() {
    broken = true;
    Watchdog.forget(this);
    Tls.closeQuietly(socket);
  }

  private static int millis(java.time.Duration d) {
    // 0 would mean "wait forever" to a socket: never.
    long ms = d.toMillis();
    return ms <= 0 ? 1 : (int) Math.min(Integer.MAX_VALUE, ms);
  }
}
