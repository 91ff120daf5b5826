package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MimeRendererTest {

  static byte[] bytes(MessageContent c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.writeTo(out);
    return out.toByteArray();
  }

  static MimeMessage parse(byte[] raw) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }

  static void assertWireSafe(byte[] raw) {
    int lineLength = 0;
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      assertTrue(b >= 0, "8-bit octet at " + i);
      assertTrue(b != 0, "NUL at " + i + " (RFC 2045 2.7: never in 7bit, 8bit or header text)");
      if (b == '\n') {
        assertTrue(i > 0 && raw[i - 1] == '\r', "bare LF at " + i);
        lineLength = 0;
      } else if (b == '\r') {
        assertTrue(i + 1 < raw.length && raw[i + 1] == '\n', "bare CR at " + i);
      } else {
        assertTrue(++lineLength <= 998, "line over 998 octets at " + i);
      }
    }
  }

  @Test void textOnlyMessage() throws Exception {
    Email e = Email.builder().from("Ann <ann@example.org>").to("bob@example.net").bcc("secret@example.net")
        .subject("Hello").text("line one\nline two\n.leading dot\n").build();
    MessageContent c = e.render();
    byte[] raw = bytes(c);
    assertWireSafe(raw);
    String s = new String(raw, StandardCharsets.US_ASCII);
    assertFalse(s.toLowerCase().contains("bcc"), "Bcc never reaches the headers");
    MimeMessage m = parse(raw);
    assertEquals("Hello", m.getSubject());
    assertEquals("line one\r\nline two\r\n.leading dot\r\n", m.getContent());
    assertEquals(c.messageId().orElseThrow(), m.getMessageID());
    assertTrue(m.getMessageID().matches("<[a-z2-7]{17}\\.[0-9a-z]+@example\\.org>"), m.getMessageID());
    assertNotNull(m.getHeader("Date"));
    assertEquals(raw.length, c.size());
  }

  @Test void nonAsciiSubjectNameAndBodyAreEncoded() throws Exception {
    Email e = Email.builder().from("José Ñúñez <jose@example.org>").to("bob@example.net")
        .subject("Grüße aus Köln — ünïcödé ✓").text("Ça va? " + "é".repeat(2000)).build();
    byte[] raw = bytes(e.render());
    assertWireSafe(raw);
    String s = new String(raw, StandardCharsets.US_ASCII);
    assertTrue(s.contains("Subject: =?UTF-8?"), "RFC 2047 encoded subject");
    MimeMessage m = parse(raw);
    assertEquals("Grüße aus Köln — ünïcödé ✓", m.getSubject());
    assertEquals("José Ñúñez", ((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal());
    assertEquals("Ça va? " + "é".repeat(2000), m.getContent());
  }

  @Test void longLinesAreEncodedToStayUnder998() throws Exception {
    Email e = Email.builder().from("a@example.org").to("b@example.net").subject("s").text("x".repeat(5000)).build();
    byte[] raw = bytes(e.render());
    assertWireSafe(raw);
    assertEquals("x".repeat(5000), parse(raw).getContent());
  }

  @Test void alternativeRelatedAndMixed(@TempDir Path dir) throws Exception {
    Path logo = dir.resolve("logo.png");
    byte[] png = new byte[3000];
    new Random(1).nextBytes(png);
    Files.write(logo, png);
    byte[] report = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    Email e = Email.builder().from("a@example.org").to("b@example.net").subject("s")
        .text("plain").html("<p>hi <img src=\"cid:logo\"></p>").inline("logo", logo)
        .attach(Attachment.of("Bericht für März.csv", report)).priority(Priority.HIGH)
        .header("X-Campaign", "spring ☀").build();
    byte[] raw = bytes(e.render());
    assertWireSafe(raw);
    String s = new String(raw, StandardCharsets.US_ASCII);
    assertTrue(s.contains("filename*=UTF-8''Bericht%20f%C3%BCr%20M%C3%A4rz.csv"), "RFC 2231 file name:\n" + s);
    MimeMessage m = parse(raw);
    assertTrue(m.isMimeType("multipart/mixed"));
    assertEquals("1 (Highest)", m.getHeader("X-Priority", null));
    assertEquals("spring ☀", jakarta.mail.internet.MimeUtility.decodeText(m.getHeader("X-Campaign", null)));
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    Part related = mixed.getBodyPart(0);
    assertTrue(related.isMimeType("multipart/related"));
    Multipart rel = (Multipart) related.getContent();
    assertTrue(rel.getBodyPart(0).isMimeType("multipart/alternative"));
    Part inline = rel.getBodyPart(1);
    assertEquals("<logo>", ((jakarta.mail.internet.MimeBodyPart) inline).getContentID());
    assertEquals(Part.INLINE, inline.getDisposition());
    assertArrayEquals(png, readAll(inline.getInputStream()));
    Part csv = mixed.getBodyPart(1);
    assertEquals("Bericht für März.csv", csv.getFileName());
    assertEquals(Part.ATTACHMENT, csv.getDisposition());
    assertArrayEquals(report, readAll(csv.getInputStream()));
  }

  @Test void explicitIdAndDate() throws Exception {
    Email e = Email.builder().from("a@example.org").to("b@example.net").subject("s")
        .messageId("fixed.1@example.org").date(ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)).build();
    MimeMessage m = parse(bytes(e.render()));
    assertEquals("<fixed.1@example.org>", m.getMessageID());
    assertEquals("Fri, 2 Jan 2026 03:04:05 +0000", m.getHeader("Date", null)); // numeric: RFC 5322 4.3 forbids generating "GMT"
  }

  @Test void headerInjectionIsRefused() {
    Email.Builder b = Email.builder();
    assertThrows(InvalidMessageException.class, () -> b.subject("hi\r\nBcc: victim@example.org"));
    assertThrows(InvalidMessageException.class, () -> b.header("X-A", "v\nBcc: x@y.z"));
    assertThrows(InvalidMessageException.class, () -> b.header("X A", "v"));
    assertThrows(InvalidMessageException.class, () -> b.header("Bcc", "x@y.z"));
    assertThrows(InvalidMessageException.class, () -> b.to("a@b.c\r\nX: y"));
    assertThrows(InvalidMessageException.class, () -> b.messageId("a@b\r\nX: y"));
    assertThrows(InvalidMessageException.class, () -> Attachment.of("a\r\nb.txt", new byte[0]));
  }

  @Test void missingPartsAreNamed() {
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Email.builder().build());
    assertEquals("the message needs a recipient (to, cc or bcc) and a subject", e.getMessage());
  }

  @Test void missingAttachmentFileIsInputNotFound(@TempDir Path dir) {
    assertThrows(InputNotFoundException.class, () -> Email.builder().attach(dir.resolve("nope.pdf")));
  }

  @Test void utf8AddressesRenderForSmtpUtf8() throws Exception {
    Email e = Email.builder().from("jöse@example.org").to("bob@example.net").subject("s").text("t").build();
    MessageContent c = e.render();
    assertTrue(c.requiresSmtpUtf8());
    assertTrue(new String(bytes(c), StandardCharsets.UTF_8).contains("From: jöse@example.org"));
  }

  @Test void rawMessagesGetCanonicalLineEndings() throws Exception {
    MessageContent c = MessageContent.ofBytes("Subject: x\nMessage-ID: <a@b>\n\nline\rnext\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("Subject: x\r\nMessage-ID: <a@b>\r\n\r\nline\r\nnext\r\n", new String(bytes(c), StandardCharsets.US_ASCII));
    assertEquals("<a@b>", c.messageId().orElseThrow());
    assertFalse(c.has8bit());
  }

  static byte[] readAll(InputStream in) throws Exception {
    try (in) { return in.readAllBytes(); }
  }
}
