package dev.herald.mail.testkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A deliberately dumb SMTP client over a raw socket: writes what it is told, reads lines. */
public final class RawSmtpClient implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public RawSmtpClient(String host, int port) throws IOException {
    this(new Socket(host, port));
  }

  public RawSmtpClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(5000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public void soTimeout(int millis) throws IOException { socket.setSoTimeout(millis); }

  public RawSmtpClient send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return this;
  }

  /** Sends one command (CRLF added) and reads its whole reply. */
  public List<String> command(String line) throws IOException {
    send(line + "\r\n");
    return reply();
  }

  /** One line without CRLF, or null at end of stream. */
  public String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') break;
      b.write(c);
    }
    if (c < 0 && b.size() == 0) return null;
    String s = b.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** A whole (possibly multi-line) reply; empty at end of stream. */
  public List<String> reply() throws IOException {
    List<String> lines = new ArrayList<>();
    String l;
    while ((l = line()) != null) {
      lines.add(l);
      if (l.length() < 4 || l.charAt(3) != '-') break;
    }
    return lines;
  }

  /** True when the server closed the connection (end of stream or reset) within the timeout. */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** Upgrades to TLS (after a 220 to STARTTLS). */
  public void startTls(SSLContext ctx, String host) throws IOException {
    SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
    ssl.setUseClientMode(true);
    javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    ssl.setSSLParameters(p);
    ssl.startHandshake();
    socket = ssl;
    in = ssl.getInputStream();
    out = ssl.getOutputStream();
  }

  public InputStream input() { return in; }

  @Override public void close() throws IOException { socket.close(); }
}
