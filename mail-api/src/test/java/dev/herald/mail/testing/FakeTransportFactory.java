package dev.herald.mail.testing;

import com.typesafe.config.Config;
import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A third-party transport as a plug-in jar would ship it: found only through META-INF/services. */
public class FakeTransportFactory implements TransportFactory {
  public static final AtomicReference<String> LAST = new AtomicReference<>();

  @Override public String name() { return "fake"; }

  @Override public Transport create(Config profile, TransportContext context) {
    return new Transport() {
      @Override public SendReceipt send(Envelope envelope, MessageContent content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
          content.writeTo(out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        LAST.set(out.toString(StandardCharsets.UTF_8));
        return new SendReceipt(content.messageId().orElse(null), envelope.recipients(), List.of(), "ok", "fake");
      }
      @Override public String describe() { return "fake"; }
      @Override public void close() { }
    };
  }

  /** Another provider claiming the same name. */
  public static final class Twin extends FakeTransportFactory { }

  /** Fails every send with the given exception. */
  public record Failing(MailException failure) implements Transport {
    @Override public SendReceipt send(Envelope envelope, MessageContent content) { throw failure; }
    @Override public String describe() { return "failing"; }
    @Override public void close() { }
  }
}
