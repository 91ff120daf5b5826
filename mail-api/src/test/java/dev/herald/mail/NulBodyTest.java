package dev.herald.mail;

import static dev.herald.mail.MimeRendererTest.bytes;
import static dev.herald.mail.MimeRendererTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14 item 10: a NUL in a text body went out as {@code 7bit} with the raw NUL, which RFC 2045
 * 2.7 forbids in 7bit data. Both renderers (the direct one for ASCII addresses, jakarta.mail's for
 * internationalised ones) must choose an encoding that carries it, and a parser must read back the text.
 */
class NulBodyTest {

  @ParameterizedTest(name = "{0} via {1}")
  @CsvSource({"text, a@example.org", "html, a@example.org", "both, a@example.org",
      "text, pelé@example.org", "html, pelé@example.org", "both, pelé@example.org"})
  void aNulIsEncodedAndRoundTrips(String shape, String from) throws Exception {
    String text = "before\0after\nline two \0\n";
    String html = "<p>x\0y</p>";
    Email.Builder b = Email.builder().from(from).to("b@example.net").subject("s");
    if (!shape.equals("html")) b.text(text);
    if (!shape.equals("text")) b.html(html);
    if (shape.equals("html")) b.textFromHtml(false); // the HTML part alone, as the only body
    byte[] raw = bytes(b.build().render());
    // (A UTF-8 address puts 8-bit octets in the headers, as SMTPUTF8 allows: only the NUL check applies to both.)
    for (int i = 0; i < raw.length; i++) assertNotEquals(0, raw[i], "NUL on the wire at " + i);
    if (from.startsWith("a@")) MimeRendererTest.assertWireSafe(raw);
    MimeMessage m = parse(raw);
    if (shape.equals("both")) {
      MimeMultipart alt = (MimeMultipart) m.getContent();
      check(alt.getBodyPart(0), text.replace("\n", "\r\n"));
      check(alt.getBodyPart(1), html);
    } else {
      check(m, shape.equals("text") ? text.replace("\n", "\r\n") : html);
    }
  }

  private static void check(Part p, String expected) throws Exception {
    String cte = p.getHeader("Content-Transfer-Encoding")[0].strip().toLowerCase(Locale.ROOT);
    assertNotEquals("7bit", cte);
    assertTrue(cte.equals("quoted-printable") || cte.equals("base64"), cte);
    assertEquals(expected, p.getContent());
  }
}
