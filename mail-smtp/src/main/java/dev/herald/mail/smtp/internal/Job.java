package dev.herald.mail.smtp.internal;

import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import java.util.ArrayList;
import java.util.List;

/**
 * One message on its way through a {@link Session}: its envelope and content, what was sent for
 * it so far, and how it ended. A job that is neither sent nor failed was not attempted and may
 * go on another connection.
 */
public final class Job {
  public final Envelope envelope;
  public final MessageContent content;

  // The current attempt, filled by the session.
  boolean bdat;
  boolean staged;
  long size;
  String mailLine;
  boolean resetSent;
  boolean ready;
  boolean dataEndSent;
  final List<String> accepted = new ArrayList<>(1);
  final List<SendReceipt.Rejection> rejected = new ArrayList<>(0);

  // Retry bookkeeping of the dispatcher.
  int unattempted;
  int failedAttempts;
  boolean staleRetried;

  private SendReceipt receipt;
  private MailException failure;
  private boolean uncertain;
  private int attempts;

  public Job(Envelope envelope, MessageContent content) {
    this.envelope = envelope;
    this.content = content;
  }

  /** Clears what a previous attempt left; keeps the attempt count. */
  void start() {
    bdat = staged = resetSent = ready = dataEndSent = false;
    size = 0;
    mailLine = null;
    accepted.clear();
    rejected.clear();
    receipt = null;
    failure = null;
    uncertain = false;
    attempts++;
  }

  void succeed(SendReceipt r) {
    receipt = r;
    ready = false;
  }

  /** @param maybeDelivered the end of data went out and no answer came: a retry could deliver twice */
  void fail(MailException e, boolean maybeDelivered) {
    if (failure == null && receipt == null) {
      failure = e;
      uncertain = maybeDelivered;
    }
    ready = false;
  }

  /** Forgets a failure so that the job can be tried again. */
  public void rearm() {
    failure = null;
    uncertain = false;
  }

  public boolean done() { return receipt != null || failure != null; }

  public SendReceipt receipt() { return receipt; }

  public MailException failure() { return failure; }

  /** True when the server may have accepted the message although no reply said so. */
  public boolean uncertain() { return uncertain; }

  /** How many times a session started this job. */
  public int attempts() { return attempts; }
}
