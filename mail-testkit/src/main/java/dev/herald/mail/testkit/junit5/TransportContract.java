package dev.herald.mail.testkit.junit5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Attachment;
import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.testkit.DeliveredMessage;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} must do, as tests that a transport's own test class extends (in the
 * spirit of SLF4J's {@code MDCAdapterTestBase}): implement {@link #createTransport()} and
 * {@link #nextDelivered(Duration)}, and the suite checks envelopes, headers, Bcc, non-ASCII text,
 * attachments, dot-leading lines, several messages in a row and an idempotent close.
 *
 * <pre>{@code
 * class FileTransportContractTest extends TransportContract {
 *   @TempDir Path dir;
 *   @Override protected Transport createTransport() { return new FileTransport(dir); }
 *   @Override protected DeliveredMessage nextDelivered(Duration timeout) { … read the next .eml … }
 * }
 * }</pre>
 *
 * <p>A transport is created before each test and closed after it. Destinations that do not keep
 * the envelope (a directory of .eml files) return a {@link DeliveredMessage} without one; the
 * envelope checks are then skipped and the header checks still run.
 */
public abstract class TransportContract {

  /** The transport under test; created before each test by {@link #createTransport()}. */
  protected Transport transport;

  /** Creates the transport under test, aimed at a destination {@link #nextDelivered} can read. */
  protected abstract Transport createTransport() throws Exception;

  /**
   * The next message the transport delivered that this method has not returned yet, in the order
   * sent, waiting up to {@code timeout}; null if none came.
   */
  protected abstract DeliveredMessage nextDelivered(Duration timeout) throws Exception;

  /** How long to wait for a delivery (default 10 s). */
  protected Duration deliveryTimeout() { return Duration.ofSeconds(10); }

  @BeforeEach void createTransportUnderTest() throws Exception {
    transport = createTransport();
    assertNotNull(transport, "createTransport() returned null");
  }

  @AfterEach void closeTransportUnderTest() throws Exception {
    try {
      if (transport != null) transport.close();
    } finally {
      afterTransportClosed();
    }
  }

  /** Runs after each test once the transport is closed: stop a server, delete files. */
  protected void afterTransportClosed() throws Exception { }

  /** Sends {@code email} through the transport under test as Mailer would: rendered, with its envelope. */
  protected SendReceipt send(Email email) {
    return transport.send(Envelope.of(email), email.render());
  }

  protected DeliveredMessage awaitDelivery() throws Exception {
    DeliveredMessage m = nextDelivered(deliveryTimeout());
    assertNotNull(m, "nothing was delivered within " + deliveryTimeout());
    return m;
  }

  /** A message from {@code alice@example.org} to {@code bob@example.net}; add the rest. */
  protected static Email.Builder base() {
    return Email.builder().from("Alice Example <alice@example.org>").to("bob@example.net");
  }

  @Test public void simpleMessageArrivesWithEnvelopeAndHeaders() throws Exception {
    Email email = base().cc("carol@example.net").replyTo("replies@example.org")
        .subject("Contract: simple").text("Hello Bob.").header("X-Herald-Test", "contract").build();
    SendReceipt receipt = send(email);
    DeliveredMessage d = awaitDelivery();
    MimeMessage m = d.mime();

    assertEquals("Contract: simple", m.getSubject());
    assertEquals("Alice Example <alice@example.org>", m.getHeader("From", ","));
    assertEquals("bob@example.net", m.getHeader("To", ","));
    assertEquals("carol@example.net", m.getHeader("Cc", ","));
    assertEquals("replies@example.org", m.getHeader("Reply-To", ","));
    assertEquals("contract", m.getHeader("X-Herald-Test", ","));
    assertNotNull(m.getSentDate(), "Date header");
    assertNotNull(m.getMessageID(), "Message-ID header");
    assertEquals("Hello Bob.", d.text().orElseThrow().strip());
    assertEquals(m.getMessageID(), receipt.messageId(), "the receipt names the Message-ID sent");
    assertTrue(receipt.accepted().containsAll(List.of("bob@example.net", "carol@example.net")), receipt.toString());
    assertTrue(receipt.rejected().isEmpty(), receipt.toString());
    assertFalse(receipt.via().isBlank(), "receipt.via()");
    d.envelope().ifPresent(env -> {
      assertEquals("alice@example.org", env.sender());
      assertEquals(List.of("bob@example.net", "carol@example.net"), env.recipients());
    });
  }

  @Test public void bccRecipientsGetItButNoBccHeader() throws Exception {
    send(base().bcc("hidden@example.net").subject("Contract: bcc").text("secret copy").build());
    DeliveredMessage d = awaitDelivery();
    assertNull(d.mime().getHeader("Bcc"), "a Bcc header was delivered");
    assertFalse(d.rawText().contains("hidden@example.net"), "the Bcc address appears in the message");
    d.envelope().ifPresent(env -> assertEquals(List.of("bob@example.net", "hidden@example.net"), env.recipients()));
  }

  @Test public void nonAsciiSubjectAndBodySurvive() throws Exception {
    String subject = "Grüße aus Köln — 日本語 ✉";
    String body = "Ça va? Ünïcödé everywhere: 你好, мир.";
    send(base().subject(subject).text(body).build());
    DeliveredMessage d = awaitDelivery();
    assertEquals(subject, d.subject());
    assertEquals(body, d.text().orElseThrow().strip());
  }

  @Test public void attachmentDecodesToTheOriginalBytes() throws Exception {
    byte[] data = new byte[50_000];
    new Random(42).nextBytes(data);
    send(base().subject("Contract: attachment").text("see attached")
        .attach(Attachment.of("random.bin", data)).build());
    DeliveredMessage d = awaitDelivery();
    assertEquals(List.of("random.bin"), d.attachmentNames());
    assertArrayEquals(data, d.attachment("random.bin").orElseThrow());
    assertEquals("see attached", d.text().orElseThrow().strip());
  }

  @Test public void dotLeadingLinesSurvive() throws Exception {
    String body = "first\r\n.\r\n..two dots\r\n.leading dot\r\n. space\r\nlast";
    send(base().subject("Contract: dots").text(body).build());
    DeliveredMessage d = awaitDelivery();
    assertEquals(body, d.text().orElseThrow().replaceAll("\r?\n$", ""));
    String cte = d.mime().getHeader("Content-Transfer-Encoding", null);
    if (cte == null || cte.equalsIgnoreCase("7bit")) {
      assertTrue(d.rawText().contains("\r\n.\r\n..two dots\r\n.leading dot\r\n"), "dot lines on the wire: " + d.rawText());
    }
  }

  @Test public void severalMessagesInARowArriveInOrder() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ids.add(send(base().subject("Contract: row " + i).text("message " + i).build()).messageId());
    }
    for (int i = 1; i <= 3; i++) {
      MimeMessage m = awaitDelivery().mime();
      assertEquals("Contract: row " + i, m.getSubject());
      assertEquals(ids.get(i - 1), m.getMessageID());
    }
    assertEquals(3, ids.stream().distinct().count(), "each message has its own Message-ID");
  }

  @Test public void rawMessageIsDeliveredWithCanonicalLineEndings() throws Exception {
    byte[] raw = ("From: alice@example.org\nTo: bob@example.net\nSubject: Contract: raw\n"
        + "Message-ID: <contract-raw@example.org>\n\nline one\n.\nline three\n").getBytes(StandardCharsets.UTF_8);
    SendReceipt r = transport.send(new Envelope("alice@example.org", List.of("bob@example.net")), MessageContent.ofBytes(raw));
    assertEquals("<contract-raw@example.org>", r.messageId());
    DeliveredMessage d = awaitDelivery();
    assertTrue(d.rawText().contains("Subject: Contract: raw\r\n"), d.rawText());
    assertTrue(d.rawText().contains("\r\n\r\nline one\r\n.\r\nline three\r\n"), d.rawText());
  }

  @Test public void describeSaysWhereWithoutSecrets() {
    String where = transport.describe();
    assertNotNull(where);
    assertFalse(where.isBlank());
    assertFalse(where.toLowerCase(java.util.Locale.ROOT).contains("password"), where);
  }

  @Test public void closeIsIdempotent() {
    assertDoesNotThrow(() -> {
      transport.close();
      transport.close();
    });
  }
}
