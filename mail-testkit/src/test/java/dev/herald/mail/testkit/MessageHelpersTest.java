package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.Attachment;
import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.testkit.testing.RawSmtpClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The assertion helpers of RecordedMessage and DeliveredMessage read what users assert on. */
class MessageHelpersTest {
  private static final byte[] PDF = {'%', 'P', 'D', 'F', 0, (byte) 0xff, 13, 10, '.', 13, 10};

  private static Email email() {
    return Email.builder().from("app@example.org").to("bob@example.net").subject("Grüße, Bob")
        .text("Plain body.\n.leading dot").html("<p>HTML body</p>")
        .attach(Attachment.of("report.pdf", PDF)).build();
  }

  private static byte[] rendered(Email e) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    e.render().writeTo(out);
    return out.toByteArray();
  }

  @Test void deliveredMessageHelpers() throws Exception {
    DeliveredMessage d = new DeliveredMessage(Envelope.of(email()), rendered(email()));
    assertEquals("Grüße, Bob", d.subject());
    assertEquals("Plain body.\r\n.leading dot", d.text().orElseThrow().strip());
    assertEquals("<p>HTML body</p>", d.html().orElseThrow().strip());
    assertEquals(List.of("report.pdf"), d.attachmentNames());
    assertArrayEquals(PDF, d.attachment("report.pdf").orElseThrow());
    assertTrue(d.attachment("missing.txt").isEmpty());
    assertTrue(d.messageId().orElseThrow().startsWith("<"));
  }

  @Test void recordedMessageHelpersAfterTheWire() throws Exception {
    byte[] raw = rendered(email());
    String stuffed = new String(raw, StandardCharsets.UTF_8).replace("\r\n.", "\r\n..");
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
         RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      c.reply();
      c.command("EHLO helpers.test");
      c.command("MAIL FROM:<app@example.org> BODY=8BITMIME");
      c.command("RCPT TO:<bob@example.net>");
      c.command("DATA");
      assertTrue(c.command(stuffed + (stuffed.endsWith("\r\n") ? "" : "\r\n") + ".").get(0).startsWith("250"));
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
      assertArrayEquals(raw, m.raw(), "dot-unstuffing restores the exact bytes");
      assertEquals("Grüße, Bob", m.subject());
      assertEquals("Plain body.\r\n.leading dot", m.text().orElseThrow().strip());
      assertEquals(List.of("report.pdf"), m.attachmentNames());
      assertArrayEquals(PDF, m.attachment("report.pdf").orElseThrow());
      assertEquals("8BITMIME", m.mailParameters().get("BODY"));
      assertEquals("helpers.test", m.heloName());
      assertFalse(m.toString().contains("Plain body"), "toString shows no content");
    }
  }
}
