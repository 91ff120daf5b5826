package dev.herald.mail.smtp.internal;

import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.smtp.SmtpSettings;
import dev.herald.mail.smtp.TlsPolicy;
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
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;

/**
 * One socket to an SMTP server with deadlines on every read and write: replies are read through a
 * {@link ReplyReader}, commands written through a buffer flushed once per flight. The
 * {@link Watchdog} closes the socket when a write, or a reply as a whole, is overdue. Knows nothing
 * of SMTP beyond reading a reply; not thread-safe.
 */
final class Connection {
  private static final byte[] CRLF = {'\r', '\n'};

  private final SmtpSettings settings;
  private final Trace trace;
  private final String server;
  private final int replyMillis;
  private final int dataEndMillis;

  private Socket socket;
  // The TCP socket under TLS (or the socket itself): what the watchdog closes. Closing the TLS socket
  // from the watchdog's thread would try to send close_notify, which can block on a stuck peer.
  private Socket tcp;
  private OutputStream out;
  private ReplyReader in;
  private boolean closed;
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

  private Connection(SmtpSettings settings, Trace trace) {
    this.settings = settings;
    this.trace = trace;
    this.server = settings.host() + ":" + settings.port();
    this.replyMillis = millis(settings.timeouts().reply());
    this.dataEndMillis = millis(settings.timeouts().dataEnd());
    this.readMillis = replyMillis;
  }

  /** Connects (and with implicit TLS, shakes hands); on failure nothing stays open. */
  static Connection open(SmtpSettings settings, Supplier<Tls> tls, Trace trace) {
    Connection c = new Connection(settings, trace);
    try {
      c.connect(tls);
      return c;
    } catch (RuntimeException e) {
      c.abort();
      throw e;
    }
  }

  private void connect(Supplier<Tls> tls) {
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(true);
      if (settings.sourceAddress() != null) bind(raw, settings);
      raw.connect(new InetSocketAddress(settings.host(), settings.port()), millis(settings.timeouts().connect()));
      if (settings.tls() == TlsPolicy.IMPLICIT) raw.setSoTimeout(replyMillis);
    } catch (UnknownHostException e) {
      Tls.closeQuietly(raw);
      throw new PermanentMailException(Reason.UNKNOWN_HOST, "unknown host '" + settings.host() + "'", Stage.CONNECT, 0, null, null,
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
    if (settings.tls() == TlsPolicy.IMPLICIT) socket = handshakeTls(tls, Stage.CONNECT);
    streams();
  }

  /** Upgrades the connection to TLS (after the server's 220 to STARTTLS); new streams, nothing buffered. */
  void startTls(Supplier<Tls> tls) {
    socket = handshakeTls(tls, Stage.STARTTLS);
    streams();
  }

  /** The TLS handshake, as a whole within the reply timeout (its reads, too, re-arm the socket's). */
  private SSLSocket handshakeTls(Supplier<Tls> tls, Stage stage) {
    readDeadline = System.nanoTime() + replyMillis * 1_000_000L;
    try {
      SSLSocket s = tls.get().handshake(socket, settings.host(), settings.port(), replyMillis, stage);
      trace.info("TLS established: " + s.getSession().getProtocol() + " " + s.getSession().getCipherSuite());
      return s;
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
      out = new BufferedOutputStream(new WatchedStream(socket.getOutputStream()), 64 * 1024);
      in = new ReplyReader(new WatchedInput(socket.getInputStream()));
    } catch (IOException e) {
      throw Failures.io(Stage.CONNECT, e, server, settings.timeouts().reply());
    }
  }

  Socket socket() { return socket; }

  String server() { return server; }

  Trace trace() { return trace; }

  /** The stream a message body is encoded into; flushed with the flight it belongs to. */
  OutputStream out() { return out; }

  /** True when bytes the server sent are waiting unread (before STARTTLS: an injection). */
  boolean hasBuffered() throws IOException { return in.hasBuffered(); }

  /** Reads one reply within the current reply timeout. */
  SmtpReply read(Stage stage) throws IOException {
    replyDeadline = System.nanoTime() + readMillis * 1_000_000L;
    return in.read(stage, trace);
  }

  /** Writes one command line into the buffer; {@code traceLine} replaces it in the trace (AUTH secrets). */
  void write(String line, String traceLine) throws IOException {
    if (trace.enabled()) trace.client(traceLine != null ? traceLine : line);
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write(CRLF);
  }

  /** Writes encoded message octets into the buffer. */
  void writeBody(byte[] b, int len) throws IOException {
    out.write(b, 0, len);
    traceBody(len);
  }

  void traceBody(long octets) {
    if (trace.enabled()) trace.client("<message " + octets + " bytes>");
  }

  void flush() throws IOException {
    out.flush();
  }

  /** One command in lock-step: written, flushed, answered. */
  SmtpReply command(String line, Stage stage) throws IOException {
    write(line, null);
    flush();
    return read(stage);
  }

  /** Clears the socket-failure flag before encoding a body straight to the socket. */
  void clearSocketFailed() { socketFailed = false; }

  /** True when a write to the socket (not the reading of the message) failed since the last clear. */
  boolean socketFailed() { return socketFailed; }

  /** True when the watchdog ended a stuck write. */
  boolean writeTimedOut() { return writeTimedOut; }

  /**
   * The wait for each of the next replies: the watchdog's deadline, and over TLS the socket's timeout
   * as well. Quiet on a closed socket: it is called in {@code finally} blocks, where it must not hide
   * the timeout that closed it (the next read reports the closed socket anyway).
   */
  void readTimeout(int millis) {
    readMillis = millis;
    if (socket instanceof SSLSocket) {
      try {
        socket.setSoTimeout(millis);
      } catch (java.net.SocketException closed) {
        // see above
      }
    }
  }

  int replyMillis() { return replyMillis; }

  int dataEndMillis() { return dataEndMillis; }

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

  boolean isOpen() { return !closed && socket != null && !socket.isClosed(); }

  /** QUIT, read its reply within a short timeout, close; quiet. */
  void quit() {
    if (isOpen()) {
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
  void abort() {
    closed = true;
    Watchdog.forget(this);
    Tls.closeQuietly(socket);
  }

  static int millis(java.time.Duration d) {
    // 0 would mean "wait forever" to a socket: never.
    long ms = d.toMillis();
    return ms <= 0 ? 1 : (int) Math.min(Integer.MAX_VALUE, ms);
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

  /** Binds to {@code source-address}: one the machine does not have is a config error, not a network one. */
  private static void bind(Socket raw, SmtpSettings settings) {
    try {
      raw.bind(new InetSocketAddress(settings.sourceAddress(), 0));
    } catch (IOException e) {
      Tls.closeQuietly(raw);
      throw new dev.herald.mail.InvalidConfigException("source-address " + settings.sourceAddress().getHostAddress()
          + " cannot be used: " + e.getMessage() + "; set it to an address of this machine, or \"\" for the system's choice");
    }
  }
}
