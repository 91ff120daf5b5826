package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException;
import dev.herald.mail.SendReceipt;

/**
 * How one message fared on one connection. The dispatcher decides from it whether to try again.
 *
 * @param receipt set when {@link Outcome#SENT}
 * @param failure set when {@link Outcome#FAILED} or {@link Outcome#MAYBE_DELIVERED}
 */
public record Attempt(Outcome outcome, SendReceipt receipt, MailException failure) {

  /** The four ways an attempt ends. */
  public enum Outcome {
    /** The server accepted the message. */
    SENT,
    /** It was refused, could not be prepared, or the connection failed before its end of data went out. */
    FAILED,
    /** Its end of data went out and no answer came: it may have been delivered, so it is never retried. */
    MAYBE_DELIVERED,
    /** This connection did not get to it (or broke before any of it could count): nothing was sent. */
    NOT_ATTEMPTED
  }

  /** The attempt that did not happen. */
  public static final Attempt NOT_ATTEMPTED = new Attempt(Outcome.NOT_ATTEMPTED, null, null);

  static Attempt sent(SendReceipt r) { return new Attempt(Outcome.SENT, r, null); }

  static Attempt failed(MailException e) { return new Attempt(Outcome.FAILED, null, e); }

  static Attempt maybeDelivered(MailException e) { return new Attempt(Outcome.MAYBE_DELIVERED, null, e); }

  /** True unless {@link Outcome#NOT_ATTEMPTED}. */
  public boolean attempted() { return outcome != Outcome.NOT_ATTEMPTED; }
}
