package dev.herald.mail.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpReply;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static MailException at(Stage stage, int code, String enhanced) {
    return Failures.reply(stage, new SmtpReply(code, enhanced, List.of("text")), "it failed", null);
  }

  @Test void classFollowsTheReplyCodeNotTheStage() {
    assertInstanceOf(AuthenticationException.class, at(Stage.AUTH, 535, "5.7.8"));
    assertInstanceOf(AuthenticationException.class, at(Stage.AUTH, 534, "5.7.9"));
    assertInstanceOf(AuthenticationException.class, at(Stage.AUTH, 530, "5.7.0"));
    assertInstanceOf(AuthenticationException.class, at(Stage.MAIL, 530, "5.7.0"));
    MailException temp = at(Stage.AUTH, 454, "4.7.0");
    assertInstanceOf(TransientMailException.class, temp);
    assertFalse(temp instanceof PermanentMailException);
    assertInstanceOf(TransientMailException.class, at(Stage.DATA_END, 421, "4.3.2"));
    assertInstanceOf(TransientMailException.class, at(Stage.CONNECT, 450, null));
    MailException perm = at(Stage.RCPT, 550, "5.1.1");
    assertInstanceOf(PermanentMailException.class, perm);
    assertFalse(perm instanceof AuthenticationException);
    assertFalse(at(Stage.AUTH, 504, "5.5.4") instanceof AuthenticationException);
  }

  @Test void exceptionsCarryTheFacts() {
    MailException e = at(Stage.DATA_END, 554, "5.6.0");
    assertEquals(Stage.DATA_END, e.stage());
    assertEquals(554, e.replyCode());
    assertEquals("5.6.0", e.enhancedCode().orElseThrow());
    assertEquals("text", e.serverText().orElseThrow());
    assertEquals("it failed: the server replied 554 5.6.0 text", e.getMessage());
  }

  @Test void ioFailuresAreTransientWithTheStage() {
    TransientMailException t = Failures.io(Stage.DATA_END, new SocketTimeoutException(), "h:25", Duration.ofMinutes(10));
    assertEquals(Stage.DATA_END, t.stage());
    assertEquals("h:25 did not answer within 10 min at data end", t.getMessage());
    assertTrue(Failures.io(Stage.MAIL, new EOFException(), "h:25", Duration.ofSeconds(1)).getMessage().contains("closed the connection"));
  }

  @Test void eachFailureSaysWhy() {
    assertEquals(MailException.Reason.AUTH_FAILED, at(Stage.AUTH, 535, "5.7.8").reason());
    assertEquals(MailException.Reason.SERVER_TRANSIENT, at(Stage.AUTH, 454, "4.7.0").reason());
    assertEquals(MailException.Reason.SERVER_PERMANENT, at(Stage.RCPT, 550, "5.1.1").reason());
    assertEquals(MailException.Reason.TIMEOUT,
        Failures.io(Stage.DATA_END, new SocketTimeoutException(), "h:25", Duration.ofMinutes(10)).reason());
    assertEquals(MailException.Reason.CONNECTION_LOST, Failures.io(Stage.MAIL, new EOFException(), "h:25", Duration.ofSeconds(1)).reason());
    assertEquals(MailException.Reason.CONNECTION_LOST,
        Failures.io(Stage.MAIL, new java.net.SocketException("Connection reset"), "h:25", Duration.ofSeconds(1)).reason());
  }

  @Test void backoffDoublesWithJitterAndIsCapped() {
    for (int i = 0; i < 200; i++) {
      long first = Dispatcher.backoff(1, 1000, 60_000);
      assertTrue(first >= 500 && first <= 1000, "first " + first);
      long third = Dispatcher.backoff(3, 1000, 60_000);
      assertTrue(third >= 2000 && third <= 4000, "third " + third);
      long capped = Dispatcher.backoff(20, 1000, 5000);
      assertTrue(capped >= 2500 && capped <= 5000, "capped " + capped);
    }
  }
}
