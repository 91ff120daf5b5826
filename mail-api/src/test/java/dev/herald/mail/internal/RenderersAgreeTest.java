package dev.herald.mail.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Attachment;
import dev.herald.mail.Email;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Priority;
import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Herald has two MIME renderers: its own {@link SimpleRenderer} (the fast path: no jakarta.mail
 * {@code Session} at start-up) and {@link JakartaRenderer} (everything else). They must write the same
 * message: for each Email of a matrix that the simple one accepts, both are rendered, parsed back by
 * jakarta.mail, and compared as a structure — headers (decoded), the tree of parts with their types,
 * charsets, dispositions, file names and Content-IDs, and each part's decoded content.
 */
class RenderersAgreeTest {
  private static final String ID = "<agree.1@example.org>";
  private static final ZonedDateTime DATE = ZonedDateTime.parse("2026-12-04T18:30:00+01:00");
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2, 3, (byte) 0xff};
  private static final byte[] BINARY = new byte[5000];

  static {
    for (int i = 0; i < BINARY.length; i++) BINARY[i] = (byte) (i * 31 + i / 7);
  }

  private static Email.Builder base() {
    return Email.builder().from("Ann <ann@example.org>").to("bob@example.net").subject("Hello").messageId(ID).date(DATE);
  }

  static Stream<Arguments> emails() {
    String longLine = "word ".repeat(300) + "end";
    String unbroken = "x".repeat(2500);
    return Stream.of(
        Arguments.of("text", base().text("Plain text.\nSecond line.\n").build()),
        Arguments.of("html", base().html("<p>Only <b>HTML</b></p>").textFromHtml(false).build()),
        Arguments.of("text and html", base().text("plain ✓").html("<p>html ✓</p>").build()),
        Arguments.of("attachment", base().text("see attached").attach(Attachment.of("data.bin", BINARY)).build()),
        Arguments.of("text attachment", base().text("notes").attach(Attachment.of("notes.txt",
            "line one\nline two ü\n".getBytes(StandardCharsets.UTF_8))).build()),
        Arguments.of("inline", base().text("t").html("<img src=\"cid:logo@x\">").attach(Attachment.of("logo.png", PNG)
            .withContentType("image/png").withContentId("logo@x")).build()),
        Arguments.of("everything", base().cc("Carl <carl@example.net>").replyTo("help@example.org").text("both ✓")
            .html("<p>both ✓ <img src=\"cid:logo@x\"></p>").attach(Attachment.of("logo.png", PNG).withContentType("image/png")
                .withContentId("logo@x")).attach(Attachment.of("data.bin", BINARY)).attach(Attachment.of("readme.txt",
                    "read me\n".getBytes(StandardCharsets.US_ASCII))).header("X-Campaign", "winter")
            .priority(Priority.HIGH).build()),
        Arguments.of("UTF-8 headers", base().from("Zoë Ä <zoe@example.org>").to("Jürgen <j@example.net>", "\"Lee, Ann\" <lee@example.net>")
            .subject("Grüße — ✓ 😀 and a subject long enough to be folded over more than one line of the header")
            .header("X-Note", "naïve café").text("t").build()),
        Arguments.of("UTF-8 file name", base().text("t").attach(Attachment.of("Grüße résumé.pdf", BINARY)
            .withContentType("application/pdf")).build()),
        Arguments.of("long lines", base().text(longLine + "\n" + unbroken + "\nü" + unbroken + "\n").html("<p>" + longLine + "</p>")
            .build()),
        Arguments.of("awkward text", base().text(".leading dot\n..two\ntrailing   \ntab\t\nequals =3D\r\nbare\rcr\nno final newline")
            .build()),
        Arguments.of("empty text", base().text("").build()));
  }

  @ParameterizedTest(name = "{0}") @MethodSource("emails")
  void bothRenderersWriteTheSameMessage(String name, Email email) throws Exception {
    assertTrue(SimpleRenderer.canRender(email, false), "the matrix is of messages both renderers write: " + name);
    String simple = describe(parse(StreamedMessage.of(SimpleRenderer.render(email, ID), ID, 1 << 20)));
    String jakarta = describe(parse(JakartaRenderer.render(email, ID, false)));
    assertEquals(jakarta, simple, name);
  }

  private static MimeMessage parse(MessageContent content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    content.writeTo(out);
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(out.toByteArray()));
  }

  /** The message as lines: its headers (sorted, decoded; the part structure is compared below), then its parts. */
  static String describe(MimeMessage m) throws Exception {
    List<String> headers = new ArrayList<>();
    for (Header h : Collections.list(m.getAllHeaders())) {
      String key = h.getName().toLowerCase(Locale.ROOT);
      if (key.equals("content-type") || key.equals("content-transfer-encoding")) continue;
      // Folded lines may continue with a tab (jakarta.mail) or a space (the simple renderer): both are white space.
      headers.add(key + ": " + MimeUtility.decodeText(MimeUtility.unfold(h.getValue()).replaceAll("[ \t]+", " ")).strip());
    }
    Collections.sort(headers);
    StringBuilder out = new StringBuilder(String.join("\n", headers)).append('\n');
    out.append("subject=").append(m.getSubject()).append('\n');
    for (Address a : m.getFrom()) out.append("from=").append(((InternetAddress) a).toUnicodeString()).append('\n');
    part(m, out, "");
    return out.toString();
  }

  private static void part(Part p, StringBuilder out, String indent) throws Exception {
    ContentType type = new ContentType(p.getContentType());
    out.append(indent).append(type.getBaseType().toLowerCase(Locale.ROOT));
    if (type.getPrimaryType().equalsIgnoreCase("text")) {
      String charset = type.getParameter("charset") == null ? "-" : type.getParameter("charset").toLowerCase(Locale.ROOT);
      // ASCII text may be labelled either way (the simple renderer says us-ascii, jakarta.mail utf-8): the same message.
      if ((charset.equals("us-ascii") || charset.equals("utf-8")) && p.getContent() instanceof String s
          && s.chars().allMatch(c -> c < 128)) {
        charset = "us-ascii|utf-8";
      }
      out.append(" charset=").append(charset);
    }
    out.append(" disposition=").append(p.getDisposition() == null ? "-" : p.getDisposition().toLowerCase(Locale.ROOT));
    out.append(" filename=").append(p.getFileName() == null ? "-" : MimeUtility.decodeText(p.getFileName()));
    String[] cid = p.getHeader("Content-ID");
    out.append(" cid=").append(cid == null ? "-" : cid[0]).append('\n');
    if (p.getContent() instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) part(mp.getBodyPart(i), out, indent + "  ");
    } else if (p.getContent() instanceof String s) {
      out.append(indent).append("  text: ").append(s.replace("\r", "\\r").replace("\n", "\\n")).append('\n');
    } else {
      byte[] bytes = p.getInputStream().readAllBytes();
      out.append(indent).append("  bytes: ").append(bytes.length).append(' ')
          .append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).append('\n');
    }
  }
}
