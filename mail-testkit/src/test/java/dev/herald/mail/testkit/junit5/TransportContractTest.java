package dev.herald.mail.testkit.junit5;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.testkit.DeliveredMessage;
import dev.herald.mail.testkit.RecordingTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The contract catches broken transports: each breakage fails the tests it should, and only those. */
class TransportContractTest {

  /** Records into memory, but damages what it delivers the way buggy transports do. */
  abstract static class BrokenTransport implements Transport {
    final RecordingTransport sink = new RecordingTransport();

    abstract Envelope envelope(Envelope e);

    abstract String content(String message);

    @Override public SendReceipt send(Envelope envelope, MessageContent content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        content.writeTo(out);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      String damaged = content(out.toString(StandardCharsets.UTF_8));
      sink.send(envelope(envelope), MessageContent.ofBytes(damaged.getBytes(StandardCharsets.UTF_8)));
      return new SendReceipt(content.messageId().orElse(null), envelope.recipients(), List.of(), "250", "broken");
    }

    @Override public String describe() { return "broken"; }

    @Override public void close() { }
  }

  abstract static class BrokenContract extends TransportContract {
    BrokenTransport broken;

    abstract BrokenTransport make();

    @Override protected Transport createTransport() { return broken = make(); }

    @Override protected DeliveredMessage nextDelivered(Duration timeout) throws InterruptedException {
      return broken.sink.takeMessage(timeout);
    }

    @Override protected Duration deliveryTimeout() { return Duration.ofMillis(200); }
  }

  /** Forgets to undo dot-stuffing: leading dots are doubled. */
  static class DoubledDots extends BrokenContract {
    @Override BrokenTransport make() {
      return new BrokenTransport() {
        @Override Envelope envelope(Envelope e) { return e; }
        @Override String content(String m) { return m.replace("\r\n.", "\r\n.."); }
      };
    }
  }

  /** Leaks Bcc recipients into the headers and loses them from the envelope. */
  static class LeakyBcc extends BrokenContract {
    @Override BrokenTransport make() {
      return new BrokenTransport() {
        @Override Envelope envelope(Envelope e) {
          return new Envelope(e.sender(), e.recipients().stream().filter(r -> !r.startsWith("hidden")).toList());
        }
        @Override String content(String m) {
          return m.contains("Contract: bcc") ? "Bcc: hidden@example.net\r\n" + m : m;
        }
      };
    }
  }

  /** Relabels UTF-8 as Latin-1 (headers and bodies) and truncates long messages. */
  static class Lossy extends BrokenContract {
    @Override BrokenTransport make() {
      return new BrokenTransport() {
        @Override Envelope envelope(Envelope e) { return e; }
        @Override String content(String m) {
          String s = m.replaceAll("(?i)=\\?UTF-8\\?", "=?ISO-8859-1?").replaceAll("(?i)charset=\"?UTF-8\"?", "charset=ISO-8859-1");
          return s.length() > 20_000 ? s.substring(0, 20_000) : s;
        }
      };
    }
  }

  private static Set<String> failed(Class<?> c) {
    Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().testEvents();
    return events.failed().stream().map(Event::getTestDescriptor).map(d -> d.getDisplayName().replace("()", ""))
        .collect(Collectors.toSet());
  }

  @Test void doubledDotsFailTheDotTest() {
    assertEquals(Set.of("dotLeadingLinesSurvive", "rawMessageIsDeliveredWithCanonicalLineEndings"), failed(DoubledDots.class));
  }

  @Test void leakyBccFailsTheBccTest() {
    assertEquals(Set.of("bccRecipientsGetItButNoBccHeader"), failed(LeakyBcc.class));
  }

  @Test void lossyTransportFailsTextAndAttachmentTests() {
    Set<String> f = failed(Lossy.class);
    assertTrue(f.containsAll(Set.of("nonAsciiSubjectAndBodySurvive", "attachmentDecodesToTheOriginalBytes")), f.toString());
    assertFalse(f.contains("closeIsIdempotent"));
  }
}
