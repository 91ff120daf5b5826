package dev.herald.mail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which failures end a queued message: only those about the message itself, by reason. */
class OutboxWorkerPermanenceTest {
  /** About the message or its recipients: sending it again changes nothing. */
  static final Set<Reason> ENDS_THE_MESSAGE = EnumSet.of(Reason.SERVER_PERMANENT, Reason.MESSAGE_TOO_LARGE,
      Reason.REJECTED_RECIPIENTS, Reason.INVALID_MESSAGE, Reason.INPUT_NOT_FOUND);

  @ParameterizedTest @EnumSource(Reason.class)
  void aPermanentFailureEndsTheMessageOnlyWhenItIsAboutTheMessage(Reason reason) {
    assertEquals(ENDS_THE_MESSAGE.contains(reason), OutboxWorker.permanent(new PermanentMailException(reason, "x", null)));
    assertEquals(false, OutboxWorker.permanent(new TransientMailException(reason, "x", null)), "a transient class never ends it");
  }

  @Test void theWayThereIsDeferredEvenWhenTheTransportGaveUp() {
    // An offline laptop: DNS fails, the transport does not retry an unknown host, the queue keeps the mail.
    assertEquals(false, OutboxWorker.permanent(new PermanentMailException(Reason.UNKNOWN_HOST, "unknown host 'smtp.example.org'", null)));
    // Fixing a password, a certificate or the config must not lose mail.
    for (MailException e : new MailException[] {new AuthenticationException("535"), new TlsException("untrusted"),
        new InvalidConfigException("bad key")}) {
      assertEquals(false, OutboxWorker.permanent(e), e.getClass().getSimpleName());
    }
  }
}
