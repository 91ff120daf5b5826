package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.testkit.testing.RawSmtpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MockSmtpServerSmokeTest {
  @Test void plainSession() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
         RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      assertTrue(c.reply().get(0).startsWith("220 "));
      System.out.println(c.command("EHLO me"));
      assertEquals("250 2.1.0 Sender <a@example.org> OK", c.command("MAIL FROM:<a@example.org>").get(0));
      c.command("RCPT TO:<b@example.net>");
      assertTrue(c.command("DATA").get(0).startsWith("354"));
      c.send("Subject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n");
      assertTrue(c.reply().get(0).startsWith("250 2.0.0"));
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(2));
      assertEquals("Subject: hi\r\n\r\n.dot\r\nbody\r\n", m.rawText());
      System.out.println(server.transcriptText());
    }
  }
}
