package dev.herald.mail.testkit;

import dev.herald.mail.testkit.internal.LineReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * One session's connection as the server sees it: reading command lines, writing replies (slowly
 * when a {@link Fault.Drip} asks), the switch to TLS, and the session's transcript, copied to the server's.
 */
final class SmtpWire {
  /** The longest command line read, CRLF included. */
  static final int COMMAND_LIMIT = 16 * 1024;

  private final MockSmtpServer server;
  private final int id;
  private final boolean enhancedStatusCodes;
  /** This session's transcript (up to 10,000 lines), handed to each message it records. */
  final List<String> transcript = new ArrayList<>();
  Socket socket;
  LineReader in;
  OutputStream out;
  /** Set when the session is to end after the current command. */
  boolean closing;
  /** Set by a {@link Fault.Drip}: the next reply goes out a byte at a time. */
  Duration drip;

  SmtpWire(MockSmtpServer server, int id, Socket socket) {
    this.server = server;
    this.id = id;
    this.enhancedStatusCodes = server.options.enhancedStatusCodes;
    this.socket = socket;
  }

  /** Starts reading and writing on the socket as it is now. */
  void open() throws IOException {
    in = new LineReader(socket.getInputStream());
    out = new BufferedOutputStream(socket.getOutputStream());
  }

  /** Switches the connection to TLS as its server (after the 220 to STARTTLS) and returns the handshaken socket. */
  SSLSocket startTls() throws IOException {
    out.flush();
    SSLSocket ssl = server.tls.serverOver(socket);
    socket = ssl;
    ssl.startHandshake();
    open();
    return ssl;
  }

  /** Throws away what the client sent ahead of the TLS handshake (a command injection). */
  void discardPlaintext() {
    int n = in.discardBuffered();
    if (n > 0) event("discarded " + n + " plaintext octets the client sent after STARTTLS (command injection)");
  }

  /**
   * Carries out the effects that mean the same at every stage (a raw reply, no reply, a drop); true
   * when it did, or when the session is closing anyway, so that the command gets no usual reply.
   */
  boolean carryOut(Fault.Effect e) throws IOException {
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

  /** Reads nothing more and answers nothing until the client or the server gives up. */
  void hang() throws IOException {
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

  /** Flushes what is left and closes the socket; the session's last act. */
  void finish() {
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
  }

  /** A one-line reply; the enhanced code is left out when the server does not use them. */
  void reply(int code, String enhanced, String text) throws IOException {
    writeRaw(code + " " + code(enhanced) + text + "\r\n");
  }

  /** The enhanced code and a space, or nothing. */
  String code(String enhanced) {
    return enhanced != null && enhancedStatusCodes ? enhanced + " " : "";
  }

  /** A scripted reply, closing afterwards if it says so. */
  void send(Fault.Reply r) throws IOException {
    writeRaw(r.wire());
    if (r.close()) closing = true;
  }

  void writeRaw(String s) throws IOException {
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

  void client(String line) { log("C: " + line); }

  void event(String text) { log("*: " + text); }

  private void log(String line) {
    String shown = line.length() > 2000 ? line.substring(0, 2000) + "… (" + line.length() + " chars)" : line;
    if (transcript.size() < 10_000) transcript.add(shown);
    server.log(id, shown);
  }
}
