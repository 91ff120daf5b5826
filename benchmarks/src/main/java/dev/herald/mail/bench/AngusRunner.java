package dev.herald.mail.bench;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Properties;

/**
 * The baseline: Angus Mail 2.0.5 the way the anchors in {@code ../shared/bench} use it (its
 * {@code angus-reuse} and {@code angus-per-msg} modes): a fresh {@code MimeMessage} per send, the
 * attachment as a {@code FileDataSource} (streamed).
 */
final class AngusRunner implements Send.Runner {
  private final Send.Options o;
  private final boolean reuse;

  AngusRunner(Send.Options o, boolean reuse) {
    this.o = o;
    this.reuse = reuse;
  }

  private Session session() {
    Properties p = new Properties();
    p.put("mail.smtp.host", o.host);
    p.put("mail.smtp.port", String.valueOf(o.port));
    Session s = Session.getInstance(p);
    s.setDebug(o.trace);
    return s;
  }

  private MimeMessage message(Session s, int i) throws Exception {
    MimeMessage m = new MimeMessage(s);
    m.setFrom(new InternetAddress(Send.FROM));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(Send.TO));
    m.setSubject("bench message " + i);
    if (o.attach == null) {
      m.setText(o.body, "us-ascii");
    } else {
      MimeBodyPart text = new MimeBodyPart();
      text.setText(o.body, "us-ascii");
      MimeBodyPart file = new MimeBodyPart();
      file.setDataHandler(new DataHandler(new FileDataSource(o.attach)));
      file.setFileName(o.attach.getName());
      m.setContent(new MimeMultipart(text, file));
    }
    return m;
  }

  @Override
  public void send(int worker, int from, int count) throws Exception {
    Session s = session();
    if (!reuse) {
      for (int i = from; i < from + count; i++) {
        Transport.send(message(s, i));
      }
      return;
    }
    try (Transport t = s.getTransport("smtp")) {
      t.connect();
      for (int i = from; i < from + count; i++) {
        MimeMessage m = message(s, i);
        m.saveChanges();
        t.sendMessage(m, m.getAllRecipients());
      }
    }
  }

  @Override
  public String describe() {
    return reuse ? "angus: one connected Transport per thread" : "angus: Transport.send, connection per message";
  }
}
