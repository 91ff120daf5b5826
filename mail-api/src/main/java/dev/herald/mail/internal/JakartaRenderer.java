package dev.herald.mail.internal;

import dev.herald.mail.Address;
import dev.herald.mail.Attachment;
import dev.herald.mail.Email;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Priority;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Renders with jakarta.mail what {@link SimpleRenderer} does not take (internationalised addresses,
 * attachments with unusual types or Content-IDs). A class of its own so that the common path never
 * loads jakarta.mail.
 */
final class JakartaRenderer {
  private JakartaRenderer() {}

  // Created on first use, not with this class: building a jakarta.mail Session scans for providers,
  // and SecureRandom loads the security providers, costs a one-message command should not pay twice.
  private static final class Sessions {
    static final Session ASCII = session(false);
    static final Session UTF8 = session(true);
  }

  static MessageContent render(Email email, String messageId, boolean utf8) {
    try {
      MimeMessage message = build(email, messageId, utf8);
      Rendered rendered = new Rendered(message, messageId, utf8);
      rendered.tryBuffer();
      return rendered;
    } catch (MessagingException e) {
      throw new InvalidMessageException("cannot render the message: " + e.getMessage(), e);
    }
  }

  private static MimeMessage build(Email email, String messageId, boolean utf8) throws MessagingException {
    MimeMessage m = new FixedIdMessage(utf8 ? Sessions.UTF8 : Sessions.ASCII, messageId);
    m.setFrom(internet(email.from().orElseThrow(), utf8));
    if (email.sender().isPresent()) m.setSender(internet(email.sender().get(), utf8));
    if (!email.replyTo().isEmpty()) m.setReplyTo(internet(email.replyTo(), utf8));
    if (!email.to().isEmpty()) m.setRecipients(MimeMessage.RecipientType.TO, internet(email.to(), utf8));
    if (!email.cc().isEmpty()) m.setRecipients(MimeMessage.RecipientType.CC, internet(email.cc(), utf8));
    // Bcc is deliberately never set: it travels in the envelope only.
    m.setSubject(email.subject(), "UTF-8");
    ZonedDateTime date = email.date().orElseGet(ZonedDateTime::now);
    m.setHeader("Date", DateHeader.format(date));
    if (email.priority() != Priority.NORMAL) {
      m.setHeader("X-Priority", email.priority().xPriority());
      m.setHeader("Importance", email.priority().importance());
    }
    for (Map.Entry<String, String> h : email.headers().entrySet()) {
      m.setHeader(h.getKey(), headerValue(h.getKey(), h.getValue()));
    }

    List<Attachment> inline = email.attachments().stream().filter(Attachment::inline).toList();
    List<Attachment> attached = email.attachments().stream().filter(a -> !a.inline()).toList();
    MimeBodyPart body = body(email);
    if (!inline.isEmpty()) {
      MimeMultipart related = new MimeMultipart("related");
      related.addBodyPart(body);
      for (Attachment a : inline) related.addBodyPart(part(a));
      body = wrap(related);
    }
    if (attached.isEmpty()) {
      setContentOf(m, body);
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(body);
      for (Attachment a : attached) mixed.addBodyPart(part(a));
      m.setContent(mixed);
    }
    m.saveChanges();
    return m;
  }

  private static MimeBodyPart body(Email email) throws MessagingException {
    Optional<String> text = email.text();
    Optional<String> html = email.html();
    if (text.isPresent() && html.isPresent()) {
      MimeMultipart alt = new MimeMultipart("alternative");
      alt.addBodyPart(textPart(text.get(), "plain"));
      alt.addBodyPart(textPart(html.get(), "html"));
      return wrap(alt);
    }
    return html.isPresent() ? textPart(html.get(), "html") : textPart(text.orElse(""), "plain");
  }

  private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    // jakarta.mail picks 7bit, quoted-printable or base64 from the content, keeping lines short.
    p.setText(MimeRenderer.crlf(content), "UTF-8", subtype);
    return p;
  }

  private static MimeBodyPart part(Attachment a) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setDataHandler(new DataHandler(new SourceDataSource(a)));
    p.setFileName(a.fileName());
    // Set up front so that jakarta.mail does not read the whole source to choose an encoding; base64
    // even for text, because an attachment must decode to its exact bytes (line endings included).
    p.setHeader("Content-Transfer-Encoding", "base64");
    if (a.inline()) {
      p.setDisposition(MimeBodyPart.INLINE);
      p.setContentID("<" + a.contentId() + ">");
    } else {
      p.setDisposition(MimeBodyPart.ATTACHMENT);
    }
    return p;
  }

  private static MimeBodyPart wrap(MimeMultipart multipart) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setContent(multipart);
    return p;
  }

  /** Moves a single body part's content and headers onto the message itself. */
  private static void setContentOf(MimeMessage m, MimeBodyPart part) throws MessagingException {
    try {
      Object content = part.getContent();
      if (content instanceof MimeMultipart mp) {
        m.setContent(mp);
      } else {
        m.setDataHandler(part.getDataHandler());
        for (String name : List.of("Content-Type", "Content-Transfer-Encoding", "Content-Disposition")) {
          String v = part.getHeader(name, null);
          if (v != null) m.setHeader(name, v);
        }
      }
    } catch (IOException e) {
      throw new MessagingException(e.getMessage(), e);
    }
  }

  static String headerValue(String name, String value) {
    try {
      String encoded = MimeUtility.encodeText(value, "UTF-8", null);
      return MimeUtility.fold(name.length() + 2, encoded);
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InternetAddress internet(Address a, boolean utf8) {
    try {
      return new InternetAddress(utf8 ? a.address() : a.asciiAddress(), a.displayName(), "UTF-8");
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InternetAddress[] internet(List<Address> list, boolean utf8) {
    return list.stream().map(a -> internet(a, utf8)).toArray(InternetAddress[]::new);
  }

  private static Session session(boolean utf8) {
    Properties p = new Properties();
    p.setProperty("mail.mime.allowutf8", Boolean.toString(utf8));
    return Session.getInstance(p);
  }

  /** Keeps the Message-ID we chose: jakarta.mail would otherwise make its own on saveChanges. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }

  /** Opens the attachment's source when written; jakarta.mail streams it through the encoder. */
  private record SourceDataSource(Attachment attachment) implements DataSource {
    @Override public InputStream getInputStream() throws IOException { return attachment.source().open(); }
    @Override public OutputStream getOutputStream() { throw new UnsupportedOperationException("read-only"); }
    @Override public String getContentType() { return attachment.contentType(); }
    @Override public String getName() { return attachment.fileName(); }
  }

  /** The rendered message: held as bytes when small, else re-rendered on each write. */
  private static final class Rendered implements MessageContent {
    private final MimeMessage message;
    private final String messageId;
    private final boolean utf8;
    private byte[] bytes;
    private long size = -1;

    Rendered(MimeMessage message, String messageId, boolean utf8) {
      this.message = message;
      this.messageId = messageId;
      this.utf8 = utf8;
    }

    void tryBuffer() {
      MimeRenderer.BoundedBuffer buf = new MimeRenderer.BoundedBuffer(MimeRenderer.BUFFER_LIMIT);
      try {
        write(buf);
        bytes = buf.toByteArray();
        size = bytes.length;
      } catch (IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof MimeRenderer.BoundedBuffer.Full) return; // too large to hold: stream it at each write
        }
        throw StreamedMessage.failure(e);
      }
    }

    @Override public void writeTo(OutputStream out) throws IOException {
      if (bytes != null) out.write(bytes);
      else write(out);
    }

    @Override public long knownSize() { return size; }

    @Override public long size() throws IOException {
      if (size < 0) {
        CountingStream c = new CountingStream();
        write(c);
        size = c.count;
      }
      return size;
    }

    @Override public Optional<String> messageId() { return Optional.of(messageId); }
    @Override public boolean has8bit() { return utf8; }
    @Override public boolean requiresSmtpUtf8() { return utf8; }

    private void write(OutputStream out) throws IOException {
      try {
        message.writeTo(out);
      } catch (MessagingException e) {
        Exception cause = e.getNextException() != null ? e.getNextException() : e;
        if (cause instanceof IOException io) throw io;
        throw new InvalidMessageException("cannot render the message: " + e.getMessage(), e);
      }
    }
  }

  private static final class CountingStream extends OutputStream {
    long count;
    @Override public void write(int b) { count++; }
    @Override public void write(byte[] b, int off, int len) { count += len; }
  }

}
