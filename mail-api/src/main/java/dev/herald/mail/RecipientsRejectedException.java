package dev.herald.mail;

/**
 * Every recipient was rejected, so nothing was sent. {@link #receipt()} lists each rejection with
 * the server's reply; the exception's reply fields are those of the first rejection. Its
 * {@link #reason()} is always {@link Reason#REJECTED_RECIPIENTS}.
 */
public class RecipientsRejectedException extends PermanentMailException {
  private static final long serialVersionUID = 1L;

  private final transient SendReceipt receipt;

  public RecipientsRejectedException(SendReceipt receipt) {
    this(receipt, null);
  }

  private RecipientsRejectedException(SendReceipt receipt, String hint) {
    super(Reason.REJECTED_RECIPIENTS, message(receipt), Stage.RCPT, first(receipt).code(), first(receipt).enhancedCode(),
        first(receipt).text(), hint, null);
    this.receipt = receipt;
  }

  public SendReceipt receipt() { return receipt; }

  @Override protected MailException copyWith(String hint) {
    return new RecipientsRejectedException(receipt, hint);
  }

  private static SendReceipt.Rejection first(SendReceipt r) {
    if (r.rejected().isEmpty()) throw new IllegalArgumentException("no rejected recipient");
    return r.rejected().get(0);
  }

  private static String message(SendReceipt r) {
    StringBuilder sb = new StringBuilder("every recipient was rejected:");
    for (SendReceipt.Rejection x : r.rejected()) sb.append(' ').append(x.recipient()).append(" (").append(x.code())
        .append(x.enhancedCode() == null ? "" : " " + x.enhancedCode()).append(' ').append(x.text()).append(')');
    return sb.toString();
  }
}
