package dev.herald.mail;

/**
 * How one message of a batch ended: sent (with its receipt, which may list rejected recipients)
 * or failed (with the exception {@code send} would have thrown for it).
 *
 * @param index the message's position in the batch
 * @param receipt the receipt when sent, else null
 * @param failure the failure when not sent, else null
 */
public record SendOutcome(int index, SendReceipt receipt, MailException failure) {

  public SendOutcome {
    if ((receipt == null) == (failure == null)) throw new IllegalArgumentException("exactly one of receipt and failure");
  }

  public boolean sent() { return receipt != null; }

  /** The receipt, or the failure thrown. */
  public SendReceipt receiptOrThrow() {
    if (failure != null) throw failure;
    return receipt;
  }
}
