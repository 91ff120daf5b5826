package dev.herald.mail;

import static dev.herald.mail.MimeRendererTest.assertWireSafe;
import static dev.herald.mail.MimeRendererTest.bytes;
import static dev.herald.mail.MimeRendererTest.parse;
import static dev.herald.mail.MimeRendererTest.readAll;
import static org.junit.jupiter.api.Assertions.*;

import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attachments are written by Herald's own renderer, streamed from their sources as base64:
 * jakarta.mail's parser must read back the exact bytes, names and types, and the size a transport
 * is told must be the size it gets.
 */
class AttachmentRenderingTest {

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Email.Builder base() {
    return Email.builder().from("a@example.org").to("b@example.net").subject("s").text("see attached\n");
  }

  static MimeMessage roundTrip(MessageContent c) throws Exception {
    byte[] raw = bytes(c);
    assertWireSafe(raw);
    assertEquals(raw.length, c.size(), "size() is what writeTo writes");
    if (c.knownSize() >= 0) assertEquals(raw.length, c.knownSize(), "knownSize() is what writeTo writes");
    for (String line : new String(raw, StandardCharsets.US_ASCII).split("\r\n")) {
      assertTrue(line.length() <= 78, "line over 78 octets: " + line);
    }
    return parse(raw);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 56, 57, 58, 114, 115, 7296, 7297, 100_000})
  void everyLengthDecodesToTheSameBytes(int length) throws Exception {
    byte[] content = random(length, length);
    MimeMessage m = roundTrip(base().attach(Attachment.of("data.bin", content)).build().render());
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertEquals("see attached\r\n", mixed.getBodyPart(0).getContent());
    Part p = mixed.getBodyPart(1);
    assertEquals("data.bin", p.getFileName());
    assertEquals(Part.ATTACHMENT, p.getDisposition());
    assertArrayEquals(content, readAll(p.getInputStream()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"report.pdf", "with space and \"quotes\" and \\ backslash.txt", "Bericht für März.csv",
      "a very long ASCII file name that cannot fit on one header line with its parameter name, no, not at all.txt",
      "ein sehr langer Dateiname mit Umlauten: äöü ÄÖÜ ß, der auf keine Zeile passt, nicht einmal fast — 😀.txt",
      "%41 looks encoded.txt", "tab\tin name.txt"})
  void fileNamesRoundTrip(String name) throws Exception {
    MimeMessage m = roundTrip(base().attach(Attachment.of(name, new byte[] {1, 2, 3})).build().render());
    Part p = ((MimeMultipart) m.getContent()).getBodyPart(1);
    assertEquals(name, p.getFileName());
    assertArrayEquals(new byte[] {1, 2, 3}, readAll(p.getInputStream()));
  }

  @Test void contentTypesAreKeptAndTextGetsACharset() throws Exception {
    MimeMessage m = roundTrip(base()
        .attach(Attachment.of("a.json", "{}".getBytes(StandardCharsets.UTF_8)))
        .attach(Attachment.of("b.txt", "x".getBytes(StandardCharsets.UTF_8)).withContentType("text/plain; charset=ISO-8859-1"))
        .attach(Attachment.of("c.csv", "y".getBytes(StandardCharsets.UTF_8)))
        .build().render());
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertTrue(mixed.getBodyPart(1).isMimeType("application/json"));
    assertEquals("ISO-8859-1", new jakarta.mail.internet.ContentType(mixed.getBodyPart(2).getContentType()).getParameter("charset"));
    assertEquals("UTF-8", new jakarta.mail.internet.ContentType(mixed.getBodyPart(3).getContentType()).getParameter("charset"));
  }

  @Test void inlinePartsWithoutOtherAttachmentsAreRelated(@TempDir Path dir) throws Exception {
    Path logo = dir.resolve("logo.png");
    byte[] png = random(5000, 7);
    Files.write(logo, png);
    MimeMessage m = roundTrip(Email.builder().from("a@example.org").to("b@example.net").subject("s")
        .html("<img src=\"cid:logo.1@example\">").inline("logo.1@example", logo).textFromHtml(false).build().render());
    assertTrue(m.isMimeType("multipart/related"));
    assertEquals("text/html", new jakarta.mail.internet.ContentType(m.getContentType()).getParameter("type"),
        "RFC 2387: the root part's type");
    MimeMultipart related = (MimeMultipart) m.getContent();
    assertTrue(related.getBodyPart(0).isMimeType("text/html"));
    MimeBodyPart inline = (MimeBodyPart) related.getBodyPart(1);
    assertEquals("<logo.1@example>", inline.getContentID());
    assertEquals(Part.INLINE, inline.getDisposition());
    assertTrue(inline.isMimeType("image/png"));
    assertArrayEquals(png, readAll(inline.getInputStream()));
  }

  @Test void aSourceOfUnknownSizeIsCountedAndReadOnceWhenSmall() throws Exception {
    byte[] content = random(3000, 3);
    AtomicInteger opens = new AtomicInteger();
    MessageContent c = base().attach(Attachment.of("gen.bin", () -> {
      opens.incrementAndGet();
      return new ByteArrayInputStream(content);
    })).build().render();
    assertEquals(1, opens.get(), "a small message is read while rendering");
    MimeMessage m = roundTrip(c);
    assertEquals(1, opens.get(), "and held: writing it does not read the source again");
    assertArrayEquals(content, readAll(((MimeMultipart) m.getContent()).getBodyPart(1).getInputStream()));
  }

  @Test void aLargeSourceOfUnknownSizeIsStreamedOnEveryWrite() throws Exception {
    byte[] content = random(1_200_000, 5);
    AtomicInteger opens = new AtomicInteger();
    MessageContent c = base().attach(Attachment.of("gen.bin", () -> {
      opens.incrementAndGet();
      return new ByteArrayInputStream(content);
    })).build().render();
    assertEquals(-1, c.knownSize());
    int before = opens.get();
    long size = c.size();
    byte[] first = bytes(c);
    assertEquals(first.length, size);
    assertArrayEquals(first, bytes(c));
    assertEquals(before + 3, opens.get(), "size() and each write read the source again");
    assertArrayEquals(content, readAll(((MimeMultipart) parse(first).getContent()).getBodyPart(1).getInputStream()));
  }

  @Test void aLargeFileIsNotReadWhenRenderedAndItsSizeIsKnown(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("big.bin");
    Files.write(file, random(1_500_000, 11));
    MessageContent c = base().attach(file).build().render();
    long known = c.knownSize();
    assertTrue(known > 2_000_000, "base64 of 1.5 MB: " + known);
    // Changed after rendering, same size: what is sent is what the file holds when it is sent.
    byte[] now = random(1_500_000, 12);
    Files.write(file, now);
    byte[] raw = bytes(c);
    assertEquals(known, raw.length);
    assertArrayEquals(now, readAll(((MimeMultipart) parse(raw).getContent()).getBodyPart(1).getInputStream()));
  }

  @Test void aFileThatGrowsOrShrinksAfterSizingIsAnErrorNotAWrongSize(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("app.log");
    Files.write(file, random(2 << 20, 21));
    MessageContent grows = base().attach(file).build().render();
    long known = grows.knownSize();
    Files.write(file, random(100_000, 22), java.nio.file.StandardOpenOption.APPEND);
    IOException e = assertThrows(IOException.class, () -> grows.writeTo(OutputStream.nullOutputStream()));
    assertTrue(e.getMessage().contains("'app.log' changed while the message was sent"), e::getMessage);
    assertEquals(known, grows.size(), "the size stays the one declared");

    Files.write(file, random(2 << 20, 23));
    MessageContent shrinks = base().attach(file).build().render();
    Files.write(file, random(1 << 20, 24));
    assertThrows(IOException.class, () -> shrinks.writeTo(OutputStream.nullOutputStream()));
  }

  @Test void aFileThatSaysItIsEmptyIsMeasuredByReading(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.bin");
    Files.write(big, random(2 << 20, 25));
    Path proc = Path.of("/proc/self/status"); // size 0 in stat, text when read
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(proc) && Files.size(proc) == 0, "no procfs here");
    MessageContent c = base().attach(big).attach(proc).build().render();
    assertEquals(-1, c.knownSize(), "not known without reading");
    byte[] raw = bytes(c);
    assertEquals(raw.length, c.size());
    assertTrue(new String(readAll(((MimeMultipart) parse(raw).getContent()).getBodyPart(2).getInputStream()),
        StandardCharsets.US_ASCII).contains("Name:"));
  }

  @Test void anAttachedMessageIsAFileNotBase64Rfc822(@TempDir Path dir) throws Exception {
    byte[] eml = "From: a@example.org\r\nSubject: old\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    Path file = Files.write(dir.resolve("forwarded.eml"), eml);
    MimeMessage m = roundTrip(base().attach(file).build().render());
    Part p = ((MimeMultipart) m.getContent()).getBodyPart(1);
    assertTrue(p.isMimeType("application/octet-stream"), "RFC 2046 5.2.1 forbids base64 for message/rfc822: " + p.getContentType());
    assertEquals("forwarded.eml", p.getFileName());
    assertArrayEquals(eml, readAll(p.getInputStream()));
  }

  @Test void aSmallFileIsReadWhenRendered(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("small.txt");
    Files.writeString(file, "before");
    MessageContent c = base().attach(file).build().render();
    Files.writeString(file, "after!");
    Part p = ((MimeMultipart) roundTrip(c).getContent()).getBodyPart(1);
    assertEquals("before", new String(readAll(p.getInputStream()), StandardCharsets.UTF_8));
  }

  @Test void aFileGoneBeforeRenderingIsInputNotFound(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gone.pdf");
    Files.write(file, new byte[10]);
    Email e = base().attach(file).build();
    Files.delete(file);
    assertThrows(InputNotFoundException.class, e::render);
  }

  @Test void unusualContentTypesStillRender() throws Exception {
    // A type that carries its own name parameter goes through jakarta.mail, which replaces it.
    MimeMessage m = roundTrip(base().attach(Attachment.of("x.dat", new byte[] {9})
        .withContentType("application/octet-stream; name=\"other.dat\"")).build().render());
    Part p = ((MimeMultipart) m.getContent()).getBodyPart(1);
    assertEquals("x.dat", p.getFileName());
    assertArrayEquals(new byte[] {9}, readAll(p.getInputStream()));
  }
}
