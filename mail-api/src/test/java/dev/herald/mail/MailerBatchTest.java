package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.spi.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Mailer#sendAll} and {@link Mailer#sendAsync} over a transport that has only {@code send}: the SPI's defaults. */
class MailerBatchTest {
  /** Records what it is given (and on which thread); refuses anything for ghost@example.net. */
  static final class RecordingSendOnly implements Transport {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override public SendReceipt send(Envelope envelope, MessageContent content) {
      threads.add(Thread.currentThread().getName());
      if (envelope.recipients().contains("ghost@example.net")) {
        throw new PermanentMailException("550 5.1.1 no such user", Stage.RCPT, 550, "5.1.1", "no such user", null, null);
      }
      sent.add(envelope.sender() + " -> " + envelope.recipients());
      return new SendReceipt("<id" + sent.size() + "@example.org>", envelope.recipients(), List.of(), "250 ok", "recording");
    }

    @Override public String describe() { return "recording"; }

    @Override public void close() { }
  }

  private static Email to(String rcpt) { return Email.builder().to(rcpt).subject("s").text("t").build(); }

  @Test void sendAllAppliesTheDefaultsAndKeepsGoingPastAFailure() {
    RecordingSendOnly t = new RecordingSendOnly();
    try (Mailer mailer = Mailer.builder().transport(t).from("Team <team@example.org>").build()) {
      List<SendOutcome> out = mailer.sendAll(List.of(to("a@example.net"), to("ghost@example.net"), to("b@example.net")));
      assertEquals(3, out.size());
      assertTrue(out.get(0).sent() && out.get(2).sent(), out::toString);
      assertFalse(out.get(1).sent());
      assertEquals(550, out.get(1).failure().replyCode());
      assertEquals(List.of(0, 1, 2), out.stream().map(SendOutcome::index).toList());
      assertEquals(List.of("team@example.org -> [a@example.net]", "team@example.org -> [b@example.net]"), t.sent);
    }
  }

  @Test void sendAsyncReturnsAtOnceAndCompletesWithTheReceiptOrTheFailure() throws Exception {
    RecordingSendOnly t = new RecordingSendOnly();
    try (Mailer mailer = Mailer.builder().transport(t).from("team@example.org").build()) {
      CompletableFuture<SendReceipt> ok = mailer.sendAsync(to("a@example.net"));
      assertEquals(List.of("a@example.net"), ok.get(5, TimeUnit.SECONDS).accepted());
      assertNotEquals(Thread.currentThread().getName(), t.threads.get(0), "sent on another thread");
      CompletableFuture<SendReceipt> bad = mailer.sendAsync(to("ghost@example.net"));
      CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, bad::join);
      assertInstanceOf(PermanentMailException.class, e.getCause());
    }
  }
}
