package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.herald.mail.testkit.Fault.at;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plaintext reads block without a socket timeout and the watchdog enforces the reply timeout: a
 * server that goes silent must still end the wait with a timeout at the stage it went silent. A
 * server that drips its reply a byte at a time must not stretch the wait either: each reply as a
 * whole has the reply timeout, in plaintext and over TLS (where the socket's own timeout is
 * re-armed by every read).
 */
@Timeout(60)
class ReplyTimeoutIT {

  /** Greets, answers {@code answered} commands with 250, then reads on and says nothing. */
  private static ServerSocket silentAfter(int answered) throws IOException {
    ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread srv = new Thread(() -> {
      try (Socket s = ss.accept()) {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write("220 quiet ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < answered; i++) {
          readLine(in);
          out.write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        while (in.read() >= 0) { }  // until the client gives up and closes
      } catch (IOException ignored) {
        // the client went away
      }
    });
    srv.setDaemon(true);
    srv.start();
    return ss;
  }

  private static void readLine(InputStream in) throws IOException {
    int c;
    while ((c = in.read()) >= 0 && c != '\n') { }
  }

  @Test void silenceAfterEhloIsATimeoutAtMail() throws Exception {
    try (ServerSocket ss = silentAfter(1);
         SmtpTransport t = SmtpTransport.builder().host("127.0.0.1").port(ss.getLocalPort()).tls(TlsPolicy.NONE)
             .replyTimeout(Duration.ofMillis(600)).build()) {
      TransientMailException e = assertThrows(TransientMailException.class,
          () -> t.send(envelope("a@example.net"), MessageContent.ofBytes("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII))));
      assertEquals(Stage.MAIL, e.stage(), e.getMessage());
      assertTrue(e.getMessage().contains("did not answer within 600 ms"), e.getMessage());
    }
  }

  @Test void silenceAfterTheGreetingIsATimeoutAtEhlo() throws Exception {
    try (ServerSocket ss = silentAfter(0);
         SmtpTransport t = SmtpTransport.builder().host("127.0.0.1").port(ss.getLocalPort()).tls(TlsPolicy.NONE)
             .replyTimeout(Duration.ofMillis(600)).build()) {
      TransientMailException e = assertThrows(TransientMailException.class, t::check);
      assertEquals(Stage.EHLO, e.stage(), e.getMessage());
      assertTrue(e.getMessage().contains("did not answer within 600 ms"), e.getMessage());
    }
  }

  // ---- a server that drips its replies: the dripped reply would take 10 s or more; the timeout is 1.2 s

  private static final Duration DRIP = Duration.ofMillis(250);
  private static final long TIMEOUT_MS = 1200;
  // The watchdog looks every 200 ms; the rest is for connecting (and a first TLS handshake) on a loaded
  // machine. Still far below what the dripped replies take (7 s and more).
  private static final long SLACK_MS = 2500;

  private static SmtpTransport transport(MockSmtpServer server) {
    return transport(server, server.port());
  }

  /** Aimed at {@code port} (a proxy in front of the server), trusting the server's certificate. */
  private static SmtpTransport transport(MockSmtpServer server, int port) {
    Config profile = ConfigFactory.parseMap(Map.of("timeouts.reply", TIMEOUT_MS + "ms", "timeouts.data-end", TIMEOUT_MS + "ms",
        "timeouts.connect", "3s", "port", port), "test").withFallback(server.profile());
    return (SmtpTransport) new SmtpTransportFactory().create(profile, new TransportContext(Credentials.NONE, TraceListener.NONE, w -> { }));
  }

  /** Runs {@code call}, which must time out at {@code stage} within the timeout and a second. */
  private static void timesOutInTime(MockSmtpServer.Builder b, Stage scriptAt, Stage expected, Consumer<SmtpTransport> call) {
    try (MockSmtpServer server = b.build().start(); SmtpTransport t = transport(server)) {
      server.script(at(scriptAt).drip(DRIP));
      long start = System.nanoTime();
      TransientMailException e = assertThrows(TransientMailException.class, () -> call.accept(t));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(expected, e.stage(), e.getMessage());
      assertTrue(e.getMessage().contains("did not answer within " + TIMEOUT_MS + " ms"), e.getMessage());
      assertTrue(ms < TIMEOUT_MS + SLACK_MS, "a dripping server held the client for " + ms + " ms");
    }
  }

  private static void send(SmtpTransport t) {
    t.send(envelope("a@example.net"), MessageContent.ofBytes("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test void drippedGreetingTimesOutInPlaintext() {
    timesOutInTime(MockSmtpServer.builder().tls(TlsMode.NONE), Stage.CONNECT, Stage.CONNECT, SmtpTransport::check);
  }

  @Test void drippedMultiLineEhloTimesOutInPlaintext() {
    timesOutInTime(MockSmtpServer.builder().tls(TlsMode.NONE), Stage.EHLO, Stage.EHLO, SmtpTransport::check);
  }

  @Test void drippedGreetingTimesOutOverTls() {
    timesOutInTime(MockSmtpServer.builder().tls(TlsMode.IMPLICIT), Stage.CONNECT, Stage.CONNECT, SmtpTransport::check);
  }

  @Test void drippedMultiLineEhloTimesOutOverTls() {
    // After STARTTLS: the second EHLO's reply is dripped over TLS, one byte per record.
    MockSmtpServer.Builder b = MockSmtpServer.builder().tls(TlsMode.STARTTLS);
    try (MockSmtpServer server = b.build().start(); SmtpTransport t = transport(server)) {
      // The first EHLO is answered at once; the one over TLS drips.
      server.dispatcher(cmd -> cmd.stage() == Stage.EHLO && cmd.tls() ? new dev.herald.mail.testkit.Fault.Drip(DRIP) : null);
      long start = System.nanoTime();
      TransientMailException e = assertThrows(TransientMailException.class, t::check);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Stage.EHLO, e.stage(), e.getMessage());
      assertTrue(ms < TIMEOUT_MS + SLACK_MS, "a dripping server held the client for " + ms + " ms");
    }
  }

  @Test void drippedEndOfDataReplyTimesOutWithinDataEnd() {
    timesOutInTime(MockSmtpServer.builder().tls(TlsMode.NONE), Stage.DATA_END, Stage.DATA_END, ReplyTimeoutIT::send);
  }

  @Test void drippedEndOfDataReplyTimesOutOverTls() {
    timesOutInTime(MockSmtpServer.builder().tls(TlsMode.IMPLICIT), Stage.DATA_END, Stage.DATA_END, ReplyTimeoutIT::send);
  }

  // ---- the TLS handshake (implicit TLS), bounded as a whole by the reply timeout as well

  /** Accepts one connection and relays it to {@code port}, the server's bytes one every {@code every}. */
  private static ServerSocket drippingProxy(int port, Duration every) throws IOException {
    ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try (Socket client = ss.accept(); Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port)) {
        Thread up = new Thread(() -> {
          try {
            client.getInputStream().transferTo(upstream.getOutputStream());
          } catch (IOException ignored) {
            // either side went away
          }
        });
        up.setDaemon(true);
        up.start();
        InputStream in = upstream.getInputStream();
        OutputStream out = client.getOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
          out.write(b);
          out.flush();
          Thread.sleep(every.toMillis());
        }
      } catch (IOException | InterruptedException ignored) {
        // the client gave up
      }
    });
    t.setDaemon(true);
    t.start();
    return ss;
  }

  @Test void drippedTlsHandshakeTimesOut() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.IMPLICIT).build().start();
         ServerSocket proxy = drippingProxy(server.port(), Duration.ofMillis(100));   // a ~1 KB handshake: 100 s
         SmtpTransport t = transport(server, proxy.getLocalPort())) {
      long start = System.nanoTime();
      TransientMailException e = assertThrows(TransientMailException.class, t::check);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Stage.CONNECT, e.stage(), e.getMessage());
      assertTrue(e.getMessage().contains("TLS handshake") && e.getMessage().contains("within " + TIMEOUT_MS + " ms"), e.getMessage());
      assertTrue(ms < TIMEOUT_MS + SLACK_MS, "a dripping server held the client for " + ms + " ms");
    }
  }

  @Test void silentTlsServerIsATimeoutNotATlsFailure() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.IMPLICIT).build().start();
         ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         SmtpTransport t = transport(server, silent.getLocalPort())) {
      TransientMailException e = assertThrows(TransientMailException.class, t::check);
      assertEquals(Stage.CONNECT, e.stage(), e.getMessage());
      assertTrue(e.getMessage().contains("did not complete within " + TIMEOUT_MS + " ms"), e.getMessage());
    }
  }
}
