package dev.herald.mail.cli.testing;

import com.typesafe.config.Config;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.Envelope;
import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A third-party transport as a user would ship it: registered only through
 * {@code META-INF/services} and a {@code reference.conf} on the test class path
 * ({@code transport = fake}). Records what it is given; {@code fail = …} makes it fail like a server.
 */
public final class FakeTransportFactory implements TransportFactory {
  /** What the fake transports were given, oldest first. */
  public static final ConcurrentLinkedQueue<Sent> SENT = new ConcurrentLinkedQueue<>();

  /** One handed-over message. */
  public record Sent(Envelope envelope, byte[] bytes, String username) {
    public String text() { return new String(bytes, java.nio.charset.StandardCharsets.UTF_8); }
  }

  @Override public String name() { return "fake"; }

  @Override public Transport create(Config profile, TransportContext context) {
    String fail = profile.getString("fail");
    List<String> reject = profile.getStringList("reject");
    String where = profile.getString("host") + ":" + profile.getInt("port");
    return new Transport() {
      @Override public SendReceipt send(Envelope envelope, MessageContent content) {
        TraceListener t = context.trace();
        t.line(TraceListener.Direction.INFO, "connected to " + where);
        t.line(TraceListener.Direction.CLIENT, "MAIL FROM:<" + envelope.sender() + ">");
        t.line(TraceListener.Direction.SERVER, "250 2.1.0 OK");
        fail(fail);
        List<String> accepted = new ArrayList<>();
        List<SendReceipt.Rejection> rejected = new ArrayList<>();
        for (String r : envelope.recipients()) {
          if (reject.contains(r)) rejected.add(new SendReceipt.Rejection(r, 550, "5.1.1", "No such user"));
          else accepted.add(r);
        }
        SendReceipt receipt = new SendReceipt(content.messageId().orElse(null), accepted, rejected, "250 2.0.0 OK", where);
        if (accepted.isEmpty()) throw new RecipientsRejectedException(receipt);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
          content.writeTo(out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        SENT.add(new Sent(envelope, out.toByteArray(), context.credentials().username()));
        return receipt;
      }

      @Override public String describe() { return where; }

      @Override public Map<String, String> check() {
        fail(fail);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("server", where);
        m.put("tls", "TLSv1.3 (fake)");
        m.put("auth", context.credentials().present() ? "PLAIN as " + context.credentials().username() : "none");
        return m;
      }

      @Override public void close() { }
    };
  }

  static void fail(String how) {
    switch (how) {
      case "none" -> { }
      case "auth" -> throw new AuthenticationException("authentication failed: 535 5.7.8 bad credentials",
          Stage.AUTH, 535, "5.7.8", "bad credentials", "check the username and password of the profile", null);
      case "tls" -> throw new TlsException("the server does not offer STARTTLS, which tls = starttls requires");
      case "protocol" -> throw new MalformedReplyException("malformed reply from the server: 'hello?'");
      case "unreachable" -> throw new HostUnreachableException("cannot connect to fake.example:25: connection refused");
      case "tempfail" -> throw new TransientMailException("451 4.3.0 try again later", Stage.DATA_END, 451, "4.3.0",
          "try again later", null, null);
      case "permanent" -> throw new PermanentMailException("554 5.6.0 message refused", Stage.DATA_END, 554, "5.6.0",
          "message refused", null, null);
      case "bug" -> throw new NullPointerException("a bug in a transport");
      default -> throw new IllegalArgumentException("fail = " + how);
    }
  }
}
