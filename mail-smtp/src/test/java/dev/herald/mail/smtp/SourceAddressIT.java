package dev.herald.mail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.smtp.testing.Messages;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code source-address}: the client connects from the address it is given, and refuses one the machine lacks. */
@Timeout(20)
class SourceAddressIT {

  @Test void connectsFromTheConfiguredAddress() throws Exception {
    // Linux answers on the whole of 127/8: 127.0.0.2 is a second address of this machine.
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<InetAddress> peer = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          s.getOutputStream().write("554 5.7.1 no service for you\r\n".getBytes(StandardCharsets.US_ASCII));
          return s.getInetAddress();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SmtpTransport t = transport("port = " + server.getLocalPort() + ", source-address = \"127.0.0.2\"")) {
        assertThrows(dev.herald.mail.MailException.class, () -> t.send(Messages.envelope("rcpt@example.net"), Messages.text("hello\r\n")));
      }
      assertEquals("127.0.0.2", peer.get(5, TimeUnit.SECONDS).getHostAddress());
    }
  }

  @Test void sendsFromTheConfiguredAddress() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().build().start();
         SmtpTransport t = (SmtpTransport) new SmtpTransportFactory().create(
             ConfigFactory.parseString("source-address = \"127.0.0.2\"").withFallback(server.profile()), TransportContext.empty())) {
      t.send(Messages.envelope("rcpt@example.net"), Messages.text("hello\r\n"));
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
      assertEquals(java.util.List.of("rcpt@example.net"), m.envelope().recipients());
      assertTrue(m.tls());
    }
  }

  @Test void anAddressThisMachineLacksIsAConfigErrorThatNamesTheKey() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         // 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it.
         SmtpTransport t = transport("port = " + server.getLocalPort() + ", source-address = \"192.0.2.1\"")) {
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> t.send(Messages.envelope("rcpt@example.net"), Messages.text("hello\r\n")));
      assertTrue(e.getMessage().startsWith("source-address 192.0.2.1 cannot be used: "), e.getMessage());
      assertTrue(e.getMessage().endsWith("set it to an address of this machine, or \"\" for the system's choice"), e.getMessage());
    }
  }

  private static SmtpTransport transport(String settings) {
    return SmtpTransport.create(SmtpSettings.from(ConfigFactory.parseString(
        "host = \"127.0.0.1\", tls = none, timeouts { connect = 3s, reply = 3s }, " + settings)), TransportContext.empty());
  }
}
