package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.spi.Transport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RawEmail}: the sendmail path's message handling, as a library user gets it. */
class RawEmailTest {
  private static RawEmail of(String s) { return RawEmail.parse(s.getBytes(StandardCharsets.UTF_8)); }

  private static String text(MessageContent c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test void foldedFieldsAndAddresses() {
    RawEmail h = of("To: a@example.com,\r\n b@example.com\r\nCC: \"Doe, J\" <j@example.com>\r\nSubject: x\r\n\r\nTo: not@header.example\r\n");
    assertEquals(List.of("a@example.com", "b@example.com", "j@example.com"), h.recipients());
    assertEquals(List.of("x"), h.values("subject"));
    assertTrue(h.has("subject"));
    assertFalse(h.has("Date"));
  }

  @Test void contentDropsBccWithItsContinuationsAndKeepsTheBody() throws IOException {
    RawEmail h = of("From: a@example.com\nBcc: x@example.com,\n\ty@example.com\nResent-Bcc: z@example.com\nSubject: s\n\nBcc: in the body stays\n");
    assertEquals(List.of("x@example.com", "y@example.com"), h.recipients());
    assertEquals("From: a@example.com\r\nSubject: s\r\n\r\nBcc: in the body stays\r\n", text(h.content()));
  }

  @Test void groupsAndComments() {
    assertEquals(" a@example.com , b@example.com,", RawEmail.plainList("team: a@example.com (Ann), b@example.com;"));
    assertEquals(List.of("c@example.com", "a@example.com"),
        of("To: c@example.com, undisclosed:;, list: a@example.com;\n\n").recipients());
  }

  @Test void aListReaderSeesEachFieldsPlainList() {
    List<String> seen = new ArrayList<>();
    List<String> out = of("To: root, team: a@example.com;\nCc: (nobody) b@example.com\n\nx\n")
        .recipients(list -> { seen.add(list.strip()); return List.of(list.strip()); });
    assertEquals(List.of("root, a@example.com,", "b@example.com"), seen);
    assertEquals(seen, out);
  }

  @Test void noHeadersAtAll() throws IOException {
    RawEmail h = of("just a body line\n");
    assertFalse(h.has("From"));
    assertEquals(List.of(), h.recipients());
    String out = text(h.completed(Address.parse("me@example.org")).content());
    assertTrue(out.startsWith("From: me@example.org\r\nDate: "), out);
    assertTrue(out.endsWith("\r\njust a body line\r\n"), out);
  }

  @Test void completedAddsWhatIsMissingAtTheAuthorsDomain() throws IOException {
    RawEmail h = of("To: b@example.net\nSubject: s\n\nbody\n").completed(Address.parse("Zoë Ä <z@example.org>"));
    String out = text(h.content());
    assertTrue(out.startsWith("From: =?UTF-8?Q?"), out);
    assertTrue(out.contains(" <z@example.org>\r\nDate: "), out);
    assertTrue(h.values("Message-ID").get(0).matches("<[a-z2-7]{17}\\.[0-9a-z]+@example\\.org>"), out);
    assertEquals(h.values("Message-ID").get(0), h.content().messageId().orElseThrow());

    RawEmail withFrom = of("From: Ann <ann@example.com>\nTo: b@example.net\n\nbody\n").completed(Address.parse("z@example.org"));
    assertEquals(List.of("Ann <ann@example.com>"), withFrom.values("From"), "an existing From is kept");
    assertTrue(withFrom.values("Message-ID").get(0).endsWith("@example.com>"));

    RawEmail full = of("From: a@example.com\nDate: Fri, 2 Jan 2026 03:04:05 +0000\nMessage-ID: <x@y>\n\nb\n");
    assertSame(full, full.completed(null));
    assertTrue(of("To: b@example.net\n\nb\n").completed(null).values("Message-ID").get(0).endsWith("@localhost>"));
    assertFalse(of("To: b@example.net\n\nb\n").completed(null).has("From"));
  }

  @Test void aBareCrInTheHeadersIsALineBreakSoABccCannotHide() throws IOException {
    RawEmail h = of("To: bob@example.net\nX-Foo: a\rBcc: hidden@example.org\nSubject: t\n\nbody\rstays\n");
    assertEquals(List.of("bob@example.net", "hidden@example.org"), h.recipients());
    String out = text(h.content());
    assertFalse(out.contains("hidden"), out);
    assertTrue(out.endsWith("Subject: t\r\n\r\nbody\r\nstays\r\n"), out);
  }

  @Test void readStopsAtTheLimitAndRejectsEmptyInput() {
    byte[] msg = "To: b@example.net\n\n0123456789\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(List.of("b@example.net"), RawEmail.read(new ByteArrayInputStream(msg), msg.length).recipients());
    InvalidMessageException big = assertThrows(InvalidMessageException.class,
        () -> RawEmail.read(new ByteArrayInputStream(msg), msg.length - 1));
    assertTrue(big.getMessage().contains("larger than"), big.getMessage());
    assertThrows(InvalidMessageException.class, () -> RawEmail.read(InputStream.nullInputStream(), 100));
    InputStream broken = new InputStream() {
      @Override public int read() throws IOException { throw new IOException("disk gone"); }
    };
    assertThrows(LocalIoException.class, () -> RawEmail.read(broken, 100));
  }

  /** Captures what the mailer hands its transport. */
  private static final class Capture implements Transport {
    Envelope envelope;
    String wire;

    @Override public SendReceipt send(Envelope e, MessageContent c) {
      envelope = e;
      try {
        wire = text(c);
      } catch (IOException x) {
        throw new AssertionError(x);
      }
      return new SendReceipt(c.messageId().orElse(null), e.recipients(), List.of(), "250 ok", "capture");
    }

    @Override public String describe() { return "capture"; }

    @Override public void close() { }
  }

  @Test void aMailerSendsItFromItsFromToToCcBccWithoutTheBcc() {
    Capture t = new Capture();
    try (Mailer mailer = Mailer.builder().transport(t).from("Team <team@example.org>").build()) {
      SendReceipt r = mailer.send(of("From: a@example.com\nTo: b@example.net\nBcc: c@example.net\nSubject: s\n\nhi\n"));
      assertEquals(new Envelope("team@example.org", List.of("b@example.net", "c@example.net")), t.envelope);
      assertFalse(t.wire.contains("c@example.net"), t.wire);
      assertTrue(t.wire.contains("\r\nFrom: a@example.com\r\n"), "the message's own From stays: " + t.wire);
      assertTrue(r.messageId().endsWith("@example.com>"), r.messageId());
    }
    try (Mailer mailer = Mailer.builder().transport(t).build()) {
      mailer.send(of("From: a@example.com\nTo: b@example.net\n\nhi\n"));
      assertEquals("a@example.com", t.envelope.sender(), "without a mailer from, the From field's");
      assertThrows(InvalidMessageException.class, () -> mailer.send(of("To: b@example.net\n\nhi\n")));
      assertThrows(InvalidMessageException.class, () -> mailer.send(of("From: a@example.com\nSubject: s\n\nhi\n")));
    }
  }
}
