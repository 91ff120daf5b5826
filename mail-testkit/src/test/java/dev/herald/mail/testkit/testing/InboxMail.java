package dev.herald.mail.testkit.testing;

import dev.herald.mail.testkit.MockSmtpServer;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.imageio.ImageIO;

/**
 * Messages for the web inbox's tests, built by jakarta.mail and sent over SMTP by Angus Mail's client
 * (an independent client, with STARTTLS and AUTH when the server asks for them).
 */
public final class InboxMail {
  private String from = "Alice Example <alice@example.org>";
  private final List<String> to = new ArrayList<>(List.of("bob@example.net"));
  private final List<String> bcc = new ArrayList<>();
  private String subject = "Hello";
  private String text;
  private String html;
  private final List<MimeBodyPart> inline = new ArrayList<>();
  private final List<MimeBodyPart> attachments = new ArrayList<>();

  public static InboxMail message() { return new InboxMail(); }

  public InboxMail from(String v) { from = v; return this; }
  public InboxMail to(String... v) { to.clear(); to.addAll(List.of(v)); return this; }
  public InboxMail bcc(String v) { bcc.add(v); return this; }
  public InboxMail subject(String v) { subject = v; return this; }
  public InboxMail text(String v) { text = v; return this; }
  public InboxMail html(String v) { html = v; return this; }

  public InboxMail inline(String contentId, String type, byte[] bytes) {
    try {
      MimeBodyPart p = new MimeBodyPart();
      p.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
      p.setContentID("<" + contentId + ">");
      p.setDisposition(MimeBodyPart.INLINE);
      inline.add(p);
      return this;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  public InboxMail attach(String fileName, String type, byte[] bytes) {
    try {
      MimeBodyPart p = new MimeBodyPart();
      p.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
      p.setFileName(fileName);
      p.setDisposition(MimeBodyPart.ATTACHMENT);
      attachments.add(p);
      return this;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends it to {@code server} over one SMTP session (STARTTLS when offered; AUTH when a user is given). */
  public void sendTo(MockSmtpServer server, String user, String password) throws MessagingException {
    sendAll(server, user, password, List.of(this));
  }

  /** Sends these messages over one SMTP session. */
  public static void sendAll(MockSmtpServer server, String user, String password, List<InboxMail> mails) throws MessagingException {
    Properties p = new Properties();
    p.put("mail.smtp.host", server.host());
    p.put("mail.smtp.port", String.valueOf(server.port()));
    p.put("mail.smtp.connectiontimeout", "5000");
    p.put("mail.smtp.timeout", "5000");
    p.put("mail.mime.allowutf8", "true");
    if (server.tlsMode() == MockSmtpServer.TlsMode.STARTTLS) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
      p.put("mail.smtp.ssl.socketFactory", server.clientSslContext().getSocketFactory());
      p.put("mail.smtp.ssl.checkserveridentity", "true");
    }
    if (user != null) p.put("mail.smtp.auth", "true");
    Session session = Session.getInstance(p);
    try (Transport t = session.getTransport("smtp")) {
      if (user != null) t.connect(user, password);
      else t.connect();
      for (InboxMail mail : mails) {
        MimeMessage m = mail.build(session);
        t.sendMessage(m, m.getAllRecipients());
      }
    }
  }

  public void sendTo(MockSmtpServer server) throws MessagingException { sendTo(server, null, null); }

  private MimeMessage build(Session session) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(from));
    for (String r : to) m.addRecipient(Message.RecipientType.TO, new InternetAddress(r));
    for (String r : bcc) m.addRecipient(Message.RecipientType.BCC, new InternetAddress(r));
    m.setSubject(subject, "UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative");
    if (text != null) {
      MimeBodyPart t = new MimeBodyPart();
      t.setText(text, "UTF-8");
      alternative.addBodyPart(t);
    }
    if (html != null) {
      MimeBodyPart h = new MimeBodyPart();
      h.setText(html, "UTF-8", "html");
      if (inline.isEmpty()) {
        alternative.addBodyPart(h);
      } else {
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(h);
        for (MimeBodyPart i : inline) related.addBodyPart(i);
        MimeBodyPart r = new MimeBodyPart();
        r.setContent(related);
        alternative.addBodyPart(r);
      }
    }
    MimeMultipart mixed = new MimeMultipart("mixed");
    MimeBodyPart body = new MimeBodyPart();
    body.setContent(alternative);
    mixed.addBodyPart(body);
    for (MimeBodyPart a : attachments) mixed.addBodyPart(a);
    m.setContent(attachments.isEmpty() ? alternative : mixed);
    m.saveChanges();
    return m;
  }

  /** A PNG of {@code w}×{@code h} pixels: an envelope drawn in white on {@code color}, so a screenshot shows it. */
  public static byte[] png(int w, int h, Color color) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.WHITE);
    g.setStroke(new java.awt.BasicStroke(Math.max(1, w / 16f)));
    g.drawRect(w / 5, h / 4, w * 3 / 5, h / 2);
    g.drawLine(w / 5, h / 4, w / 2, h / 2);
    g.drawLine(w * 4 / 5, h / 4, w / 2, h / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
