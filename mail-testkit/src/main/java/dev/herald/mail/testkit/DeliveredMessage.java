package dev.herald.mail.testkit;

import dev.herald.mail.Envelope;
import dev.herald.mail.testkit.internal.MimeParts;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * A message as a transport delivered it: its envelope (when the destination keeps one) and its
 * bytes. What {@link RecordingTransport} records and what a
 * {@link dev.herald.mail.testkit.junit5.TransportContract} reads back. Immutable.
 */
public final class DeliveredMessage {
  private static final Session SESSION = mailSession();

  private final Envelope envelope;
  private final byte[] raw;

  /**
   * @param envelope the envelope, or null when the destination does not keep it (an .eml file)
   * @param raw the RFC 5322 message as delivered; copied
   */
  public DeliveredMessage(Envelope envelope, byte[] raw) {
    this.envelope = envelope;
    this.raw = Objects.requireNonNull(raw, "raw").clone();
  }

  /** A message the {@link MockSmtpServer} recorded, seen as a delivery. */
  public static DeliveredMessage of(RecordedMessage m) { return new DeliveredMessage(m.envelope(), m.raw()); }

  /** The envelope, when the destination keeps one. */
  public Optional<Envelope> envelope() { return Optional.ofNullable(envelope); }

  /** The message bytes; a copy. */
  public byte[] raw() { return raw.clone(); }

  /** The message decoded as UTF-8. */
  public String rawText() { return new String(raw, StandardCharsets.UTF_8); }

  public int size() { return raw.length; }

  /** The message parsed by jakarta.mail; a new instance each call. */
  public MimeMessage mime() {
    try {
      return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot parse the delivered message: " + e.getMessage(), e);
    }
  }

  /** The decoded Subject ({@code ""} when absent). */
  public String subject() { return MimeParts.subject(mime()); }

  /** The text/plain body (the first one that is not an attachment), decoded. */
  public Optional<String> text() { return MimeParts.body(mime(), "text/plain"); }

  /** The text/html body, decoded. */
  public Optional<String> html() { return MimeParts.body(mime(), "text/html"); }

  /** The file names of attachments and inline parts, in order. */
  public java.util.List<String> attachmentNames() { return MimeParts.fileNames(mime()); }

  /** The decoded bytes of the attachment (or inline part) named {@code fileName}. */
  public Optional<byte[]> attachment(String fileName) { return MimeParts.file(mime(), fileName); }

  /** The Message-ID header, with angle brackets, if present. */
  public Optional<String> messageId() {
    try {
      return Optional.ofNullable(mime().getMessageID());
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override public String toString() {
    return "DeliveredMessage[" + (envelope == null ? "no envelope" : "from <" + envelope.sender() + "> to "
        + envelope.recipients()) + ", " + raw.length + " bytes]";
  }

  private static Session mailSession() {
    Properties p = new Properties();
    p.setProperty("mail.mime.allowutf8", "true");
    return Session.getInstance(p);
  }
}
