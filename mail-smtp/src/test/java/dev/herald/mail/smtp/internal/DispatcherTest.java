package dev.herald.mail.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.MailException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.smtp.SmtpSettings;
import dev.herald.mail.smtp.testing.Messages;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import java.io.EOFException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher's retry decision after each attempt ({@link Dispatcher#after}), one rule per test. */
class DispatcherTest {
  // 3 attempts, 100 ms doubling: the waits are 50–100 ms, then 100–200 ms.
  private final SmtpSettings settings = SessionTest.settings(2525, b -> b.retry(3, Duration.ofMillis(100)));
  private final Dispatcher dispatcher = new Dispatcher(settings, new Pool(settings, Credentials.NONE, null, TraceListener.NONE));

  @AfterEach void close() {
    dispatcher.close();
  }

  private static Dispatcher.Pending pending() {
    return new Dispatcher.Pending(new Job(Messages.envelope("a@example.net"), Messages.text("hi\r\n")), new CompletableFuture<>());
  }

  private static MailException reply(Stage stage, int code, String text) {
    return Failures.reply(stage, new SmtpReply(code, null, List.of(text)), "refused", null);
  }

  private static MailException dropped() {
    return Failures.io(Stage.MAIL, new EOFException(), "h:25", Duration.ofSeconds(1));
  }

  @Test void aSentMessageIsFinished() throws Exception {
    Dispatcher.Pending p = pending();
    SendReceipt r = new SendReceipt("<m@x>", List.of("a@example.net"), List.of(), "250 ok", "h:25");
    assertEquals(-1, dispatcher.after(p, Attempt.sent(r), false, true));
    p.complete();
    assertSame(r, p.future.get());
  }

  @Test void aMessageThatMayHaveBeenDeliveredIsNeverRetried() {
    Dispatcher.Pending p = pending();
    assertEquals(-1, dispatcher.after(p, Attempt.maybeDelivered(new TransientMailException("lost after end of data")), true, true));
  }

  @Test void aPermanentFailureIsFinal() {
    Dispatcher.Pending p = pending();
    MailException f = reply(Stage.RCPT, 550, "no such user");
    assertEquals(-1, dispatcher.after(p, Attempt.failed(f), false, true));
    assertSame(f, p.last.failure());
  }

  @Test void aTransientFailureIsRetriedWithGrowingBackoffUntilTheAttemptsAreUsed() {
    Dispatcher.Pending p = pending();
    MailException f = reply(Stage.MAIL, 451, "try later");
    long first = dispatcher.after(p, Attempt.failed(f), false, true);
    assertTrue(first >= 50 && first <= 100, "first wait " + first);
    long second = dispatcher.after(p, Attempt.failed(f), false, true);
    assertTrue(second >= 100 && second <= 200, "second wait " + second);
    assertEquals(-1, dispatcher.after(p, Attempt.failed(f), false, true));
    assertSame(f, p.last.failure());
  }

  @Test void aDroppedReusedConnectionIsRetriedOnceAtNoCost() {
    Dispatcher.Pending p = pending();
    assertEquals(0, dispatcher.after(p, Attempt.failed(dropped()), true, true));
    // The second drop counts: two paid attempts are left.
    assertTrue(dispatcher.after(p, Attempt.failed(dropped()), true, true) > 0);
    assertTrue(dispatcher.after(p, Attempt.failed(dropped()), true, true) > 0);
    assertEquals(-1, dispatcher.after(p, Attempt.failed(dropped()), true, true));
  }

  @Test void a421OnAReusedConnectionIsStaleToo() {
    assertEquals(0, dispatcher.after(pending(), Attempt.failed(reply(Stage.MAIL, 421, "closing")), true, true));
  }

  @Test void aRefusalOrAFreshConnectionIsNoStaleConnection() {
    assertTrue(dispatcher.after(pending(), Attempt.failed(reply(Stage.MAIL, 451, "later")), true, true) > 0);
    assertTrue(dispatcher.after(pending(), Attempt.failed(dropped()), false, true) > 0);
    assertNotEquals(0, dispatcher.after(pending(), Attempt.failed(new HostUnreachableException("cannot connect")), true, true));
  }

  @Test void aMessageNotReachedIsRequeuedAtNoCostWhenTheRunProgressed() {
    Dispatcher.Pending p = pending();
    for (int i = 0; i < 10; i++) assertEquals(0, dispatcher.after(p, Attempt.NOT_ATTEMPTED, false, true));
  }

  @Test void connectionsThatBreakBeforeAnyMessageGiveUpAfterThreeInARow() {
    Dispatcher.Pending p = pending();
    for (int i = 0; i < 3; i++) assertTrue(dispatcher.after(p, Attempt.NOT_ATTEMPTED, false, false) > 0);
    assertEquals(-1, dispatcher.after(p, Attempt.NOT_ATTEMPTED, false, false));
    assertInstanceOf(TransientMailException.class, p.last.failure());
    assertTrue(p.last.failure().getMessage().contains("no working connection"), p.last.failure().getMessage());
  }

  @Test void progressResetsTheCountOfBrokenConnections() {
    Dispatcher.Pending p = pending();
    for (int i = 0; i < 3; i++) assertTrue(dispatcher.after(p, Attempt.NOT_ATTEMPTED, false, false) > 0);
    assertEquals(0, dispatcher.after(p, Attempt.NOT_ATTEMPTED, false, true));
    assertTrue(dispatcher.after(p, Attempt.NOT_ATTEMPTED, false, false) > 0);
  }

  @Test void nothingIsRetriedOnceTheTransportIsClosed() {
    dispatcher.close();
    assertEquals(-1, dispatcher.after(pending(), Attempt.failed(reply(Stage.MAIL, 451, "later")), false, true));
  }
}
