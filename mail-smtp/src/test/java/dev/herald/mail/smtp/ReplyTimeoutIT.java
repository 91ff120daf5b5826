package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.MessageContent;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plaintext reads block without a socket timeout and the watchdog enforces the reply timeout: a
 * server that goes silent must still end the wait with a timeout at the stage it went silent.
 */
@Timeout(30)
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
}
