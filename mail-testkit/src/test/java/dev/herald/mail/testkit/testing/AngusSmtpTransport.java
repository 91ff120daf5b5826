package dev.herald.mail.testkit.testing;

import com.typesafe.config.Config;
import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * A {@link Transport} made of Angus Mail's SMTP client, configured from a profile such as
 * {@code MockSmtpServer.profile()} ({@code host}, {@code port}, {@code tls = starttls|implicit|none},
 * {@code tls-trust}, {@code username}, {@code password}). An independent client for the contract suite,
 * with Angus' exceptions mapped to Herald's the way DESIGN.md classifies them (by reply code).
 */
public final class AngusSmtpTransport implements Transport {
  private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
  private final Session session;
  private final String where;
  private final String user;
  private final String password;
  private jakarta.mail.Transport connection;
  private boolean closed;

  public AngusSmtpTransport(Config profile) throws Exception {
    Properties p = new Properties();
    String host = profile.getString("host");
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", String.valueOf(profile.getInt("port")));
    p.put("mail.smtp.connectiontimeout", "5000");
    p.put("mail.smtp.timeout", "5000");
    p.put("mail.smtp.sendpartial", "true");
    String tls = profile.getString("tls");
    if (!tls.equals("none")) {
      p.put("mail.smtp.ssl.socketFactory", trusting(Path.of(profile.getString("tls-trust"))).getSocketFactory());
      p.put("mail.smtp.ssl.checkserveridentity", "true");
      if (tls.equals("implicit")) p.put("mail.smtp.ssl.enable", "true");
      else {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
      }
    }
    user = profile.hasPath("username") ? profile.getString("username") : null;
    password = profile.hasPath("password") ? profile.getString("password") : null;
    if (user != null) p.put("mail.smtp.auth", "true");
    session = Session.getInstance(p);
    where = host + ":" + profile.getInt("port");
  }

  private static SSLContext trusting(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Override public synchronized SendReceipt send(Envelope envelope, MessageContent content) {
    if (closed) throw new IllegalStateException("closed");
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      content.writeTo(bytes);
      MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(bytes.toByteArray())) {
        @Override protected void updateMessageID() { } // keep the rendered Message-ID
      };
      session.getProperties().put("mail.smtp.from", envelope.sender());
      if (connection == null || !connection.isConnected()) {
        connection = session.getTransport("smtp");
        connection.connect(user, password);
      }
      InternetAddress[] rcpt = new InternetAddress[envelope.recipients().size()];
      for (int i = 0; i < rcpt.length; i++) rcpt[i] = new InternetAddress(envelope.recipients().get(i));
      List<SendReceipt.Rejection> rejected = new ArrayList<>();
      try {
        connection.sendMessage(m, rcpt);
      } catch (SendFailedException partial) {
        if (partial.getValidSentAddresses() == null || partial.getValidSentAddresses().length == 0) throw partial;
        for (Exception x = partial.getNextException(); x != null;
             x = x instanceof MessagingException me ? me.getNextException() : null) {
          if (x instanceof SMTPAddressFailedException a) {
            rejected.add(new SendReceipt.Rejection(a.getAddress().getAddress(), a.getReturnCode(),
                enhanced(a.getMessage()), a.getMessage().strip()));
          }
        }
      }
      List<String> accepted = new ArrayList<>(envelope.recipients());
      rejected.forEach(r -> accepted.remove(r.recipient()));
      String reply = ((SMTPTransport) connection).getLastServerResponse();
      return new SendReceipt(content.messageId().orElse(null), accepted, rejected, reply, where);
    } catch (SMTPSendFailedException e) {
      throw classify(e.getReturnCode(), stage(e.getCommand()), e.getMessage(), e);
    } catch (SMTPAddressFailedException e) {
      throw classify(e.getReturnCode(), Stage.RCPT, e.getMessage(), e);
    } catch (SendFailedException e) {
      Exception next = e.getNextException();
      if (next instanceof SMTPAddressFailedException a) throw classify(a.getReturnCode(), Stage.RCPT, a.getMessage(), e);
      if (next instanceof SMTPSendFailedException f) throw classify(f.getReturnCode(), stage(f.getCommand()), f.getMessage(), e);
      throw new TransientMailException("angus: " + e.getMessage(), e);
    } catch (MessagingException | IOException e) {
      throw new TransientMailException("angus: " + e.getMessage(), e);
    }
  }

  private static Stage stage(String command) {
    String c = command == null ? "" : command.toUpperCase(java.util.Locale.ROOT);
    if (c.startsWith("MAIL")) return Stage.MAIL;
    if (c.startsWith("RCPT")) return Stage.RCPT;
    if (c.startsWith("DATA")) return Stage.DATA;
    return Stage.DATA_END;
  }

  private static String enhanced(String reply) {
    Matcher m = ENHANCED.matcher(reply == null ? "" : reply);
    return m.find() ? m.group(1) : null;
  }

  private static MailException classify(int code, Stage stage, String reply, Exception cause) {
    String text = reply == null ? "" : reply.strip();
    String enh = enhanced(text);
    String serverText = text.replaceFirst("^\\d{3}[ -](\\d\\.\\d{1,3}\\.\\d{1,3} )?", "");
    String message = "angus: " + stage + " failed: " + text;
    return code / 100 == 4
        ? new TransientMailException(message, stage, code, enh, serverText, null, cause)
        : new PermanentMailException(message, stage, code, enh, serverText, null, cause);
  }

  @Override public String describe() { return where; }

  @Override public synchronized void close() {
    closed = true;
    if (connection != null) {
      try {
        connection.close();
      } catch (MessagingException ignored) {
        // closing anyway
      }
      connection = null;
    }
  }
}
