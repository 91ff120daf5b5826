package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herald.mail.MailException.Reason;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The reason each exception carries, and that a hint added later keeps it (and the class). */
class MailExceptionTest {
  record Case(MailException e, Reason reason, Class<?> retry) { }

  private static final SendReceipt REJECTED = new SendReceipt(null, List.of(),
      List.of(new SendReceipt.Rejection("a@b.example", 550, "5.1.1", "no such user")), null, "h:25");

  static List<Case> cases() {
    return List.of(
        new Case(new MailException("x"), Reason.INTERNAL, MailException.class),
        new Case(new TransientMailException("x"), Reason.SERVER_TRANSIENT, TransientMailException.class),
        new Case(new PermanentMailException("x"), Reason.SERVER_PERMANENT, PermanentMailException.class),
        new Case(new PermanentMailException(Reason.UNKNOWN_HOST, "x", null), Reason.UNKNOWN_HOST, PermanentMailException.class),
        new Case(new HostUnreachableException("x"), Reason.CONNECTION_REFUSED, TransientMailException.class),
        new Case(new LocalIoException("x"), Reason.LOCAL_IO, TransientMailException.class),
        new Case(new AuthenticationException("x"), Reason.AUTH_FAILED, PermanentMailException.class),
        new Case(new TlsException("x"), Reason.TLS_FAILED, PermanentMailException.class),
        new Case(new TlsException(Reason.TLS_UNTRUSTED, "x", null), Reason.TLS_UNTRUSTED, PermanentMailException.class),
        new Case(new MalformedReplyException("x"), Reason.MALFORMED_REPLY, PermanentMailException.class),
        new Case(new InvalidMessageException("x"), Reason.INVALID_MESSAGE, PermanentMailException.class),
        new Case(new InputNotFoundException("x"), Reason.INPUT_NOT_FOUND, PermanentMailException.class),
        new Case(new InvalidConfigException("x"), Reason.CONFIG, PermanentMailException.class),
        new Case(new RecipientsRejectedException(REJECTED), Reason.REJECTED_RECIPIENTS, PermanentMailException.class));
  }

  @Test void eachExceptionSaysWhyAndWhetherToRetry() {
    for (Case c : cases()) {
      assertEquals(c.reason(), c.e().reason(), c.e().getClass().getSimpleName());
      assertInstanceOf(c.retry(), c.e());
    }
  }

  @Test void anUnknownHostIsPermanentAndARefusedConnectionTransient() {
    // Retrying does not fix a wrong name; a server restarting or a network coming back is worth another try.
    assertInstanceOf(PermanentMailException.class, new PermanentMailException(Reason.UNKNOWN_HOST, "x", null));
    assertInstanceOf(TransientMailException.class, new HostUnreachableException("x"));
  }

  @Test void aHintKeepsTheReasonTheClassAndTheFacts() {
    Function<MailException, MailException> hinted = e -> e.withHint("do this");
    for (Case c : cases()) {
      MailException h = hinted.apply(c.e());
      assertSame(c.e().getClass(), h.getClass());
      assertEquals(c.reason(), h.reason(), c.e().getClass().getSimpleName());
      assertEquals("do this", h.hint().orElseThrow());
      assertEquals(c.e().getMessage(), h.getMessage());
    }
    MailException full = new TransientMailException(Reason.TIMEOUT, "slow", Stage.DATA_END, 0, null, null, null, null);
    assertEquals(Stage.DATA_END, full.withHint("h").stage());
  }

  @Test void aReasonIsRequired() {
    assertThrows(NullPointerException.class, () -> new PermanentMailException(null, "x", null));
  }
}
