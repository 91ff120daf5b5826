package dev.herald.mail;

import static dev.herald.mail.MimeRendererTest.assertWireSafe;
import static dev.herald.mail.MimeRendererTest.bytes;
import static dev.herald.mail.MimeRendererTest.parse;
import static org.junit.jupiter.api.Assertions.*;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages without attachments are written by Herald's own fast renderer; jakarta.mail's parser
 * must read back exactly what was given, whatever the text.
 */
class SimpleRenderingTest {

  static MimeMessage roundTrip(Email e) throws Exception {
    byte[] raw = bytes(e.render());
    assertWireSafe(raw);
    for (String line : new String(raw, StandardCharsets.US_ASCII).split("\r\n\r\n", 2)[0].split("\r\n")) {
      assertTrue(line.length() <= 78 || !line.contains(" "), "header line over 78 octets: " + line);
    }
    return parse(raw);
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "", "Grüße — ✓ 😀 emoji", "a =?UTF-8?B?x?= lookalike", "tab\tand  spaces",
      "A long ASCII subject that certainly goes past the seventy-eight octet limit of a header line, twice over, "
          + "so that it has to be folded at spaces more than once",
      "Ünïcödé that is long enough to need several encoded words, because each may be at most seventy-five octets long"})
  void subjectsRoundTrip(String subject) throws Exception {
    MimeMessage m = roundTrip(Email.builder().from("a@example.org").to("b@example.net").subject(subject).text("t").build());
    assertEquals(subject, m.getSubject() == null ? "" : m.getSubject());
  }

  @Test void aSubjectWordTooLongToFoldIsEncoded() throws Exception {
    String subject = "x".repeat(1200);
    MimeMessage m = roundTrip(Email.builder().from("a@example.org").to("b@example.net").subject(subject).text("t").build());
    assertEquals(subject, m.getSubject());
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain ascii\nsecond line\n", "trailing spaces   \nand tab\t\n", "equals = sign and =3D\n",
      ".leading dot\n..two\n", "no final newline", "ünïcödé body ✓ 😀\r\nmixed\rendings\n",
      "0123456789012345678901234567890123456789012345678901234567890123456789012345678ü9", ""})
  void textBodiesRoundTrip(String text) throws Exception {
    MimeMessage m = roundTrip(Email.builder().from("a@example.org").to("b@example.net").subject("s").text(text).build());
    String expected = text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    assertEquals(expected, m.getContent());
  }

  @Test void alternativeWithNamesAndHeaders() throws Exception {
    Email e = Email.builder().from("\"Lee, Ann\" <ann@example.org>").to("Bob <bob@example.net>, Zoë Ä <zoe@example.net>")
        .cc("carl@bücher.de").replyTo("help@example.org").subject("Hi").text("plain ✓").html("<p>html ✓</p>")
        .header("X-Tag", "ünï").priority(Priority.LOW).build();
    MimeMessage m = roundTrip(e);
    assertEquals("Lee, Ann", ((InternetAddress) m.getFrom()[0]).getPersonal());
    assertEquals("Zoë Ä", ((InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[1]).getPersonal());
    assertEquals("carl@xn--bcher-kva.de", ((InternetAddress) m.getRecipients(MimeMessage.RecipientType.CC)[0]).getAddress());
    assertEquals("help@example.org", ((InternetAddress) m.getReplyTo()[0]).getAddress());
    assertEquals("ünï", MimeUtility.decodeText(m.getHeader("X-Tag", null)));
    assertEquals("5 (Lowest)", m.getHeader("X-Priority", null));
    assertTrue(m.isMimeType("multipart/alternative"));
    MimeMultipart alt = (MimeMultipart) m.getContent();
    assertEquals("plain ✓", alt.getBodyPart(0).getContent());
    assertTrue(alt.getBodyPart(1).isMimeType("text/html"));
    assertEquals("<p>html ✓</p>", alt.getBodyPart(1).getContent());
  }

  @Test void manyRecipientsFoldAndBccStaysOut() throws Exception {
    Email.Builder b = Email.builder().from("a@example.org").subject("s").text("t").bcc("hidden@example.net");
    for (int i = 0; i < 40; i++) b.to("recipient" + i + "@example.net");
    MimeMessage m = roundTrip(b.build());
    assertEquals(40, m.getRecipients(MimeMessage.RecipientType.TO).length);
    assertNull(m.getHeader("Bcc"));
  }
}
