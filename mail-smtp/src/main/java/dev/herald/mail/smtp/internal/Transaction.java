package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException.Reason;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.Printable;
import dev.herald.mail.smtp.SmtpReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction (MAIL, RCPT…, DATA or BDAT, the message) on a {@link Connection}: written
 * as one flight when pipelining or command by command in lock-step, and in both cases judged by
 * the same reply interpreter ({@link #mail}, {@link #rcpt}, {@link #recipientsDone}, {@link #data},
 * {@link #dataEnd}), which fixes the transaction's {@link Attempt} as soon as a reply decides it.
 */
final class Transaction {
  private final int index;
  private final Preparer.Prepared msg;
  private final Connection conn;
  private final Preparer preparer;
  private final Capabilities caps;
  private final List<String> accepted = new ArrayList<>(1);
  private final List<SendReceipt.Rejection> rejected = new ArrayList<>(0);
  private boolean resetSent;
  private boolean dataEndSent;
  private boolean ready;
  private boolean needsReset;
  private Attempt result;

  /** @param index the job's place in the run it belongs to */
  Transaction(int index, Preparer.Prepared msg, Connection conn, Preparer preparer, Capabilities caps) {
    this.index = index;
    this.msg = msg;
    this.conn = conn;
    this.preparer = preparer;
    this.caps = caps;
  }

  /** Thrown when the server answers 421: it is closing the connection. */
  static final class Closing extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Transaction tx;
    final transient SmtpReply reply;
    final Stage stage;
    Closing(Transaction tx, SmtpReply reply, Stage stage) {
      super(null, null, false, false);
      this.tx = tx;
      this.reply = reply;
      this.stage = stage;
    }
  }

  // ---------------------------------------------------------------- on the wire

  /** Pipelined: (RSET,) MAIL, every RCPT and DATA, or with CHUNKING the whole message, into the buffer. */
  void writeHead(boolean reset) throws IOException {
    if (reset) {
      conn.write("RSET", null);
      resetSent = true;
    }
    conn.write(msg.mailLine(), null);
    for (String r : msg.job().envelope.recipients()) conn.write(preparer.rcptLine(r, caps), null);
    if (msg.bdat()) {
      Staging staging = preparer.staging();
      conn.write("BDAT " + staging.length() + " LAST", null);
      conn.writeBody(staging.array(), staging.length());
      dataEndSent = true;
    } else {
      conn.write("DATA", null);
    }
  }

  /**
   * Pipelined: reads the replies to {@link #writeHead}, then judges them in order. All are read
   * first, so that a 421 among them ends the session before any refusal is judged, as in lock-step.
   */
  void readHead() throws IOException {
    if (resetSent) read(Stage.RSET);
    SmtpReply mail = read(Stage.MAIL);
    List<String> recipients = msg.job().envelope.recipients();
    SmtpReply[] rcpts = new SmtpReply[recipients.size()];
    for (int i = 0; i < rcpts.length; i++) rcpts[i] = read(Stage.RCPT);
    SmtpReply last;
    if (msg.bdat()) {
      conn.readTimeout(conn.dataEndMillis());
      try {
        last = read(Stage.DATA_END);
      } finally {
        conn.readTimeout(conn.replyMillis());
      }
    } else {
      last = read(Stage.DATA);
    }
    mail(mail);  // refused or not, the replies to the rest of the flight are judged (a 354 then is confused)
    for (int i = 0; i < rcpts.length; i++) rcpt(recipients.get(i), rcpts[i]);
    recipientsDone();
    data(last);
  }

  /** Lock-step: each command waits for its reply; stops at the first reply that ends the transaction. */
  void lockstep(boolean reset) throws IOException {
    if (reset) {
      resetSent = true;
      command("RSET", Stage.RSET);
    }
    if (!mail(command(msg.mailLine(), Stage.MAIL))) return;
    for (String r : msg.job().envelope.recipients()) rcpt(r, command(preparer.rcptLine(r, caps), Stage.RCPT));
    if (!recipientsDone()) return;
    data(command("DATA", Stage.DATA));
  }

  /**
   * The message after 354, into the buffer; false when it had to be abandoned half-written (the
   * caller closes the connection without the final ".", so nothing is delivered).
   */
  boolean writeBody() throws IOException {
    if (msg.staged()) {
      Staging staging = preparer.staging();
      conn.writeBody(staging.array(), staging.length());
    } else {
      DataEncoder encoder = preparer.encoder();
      encoder.reset(conn.out(), true);
      conn.clearSocketFailed();
      MailException local;
      try {
        msg.job().content.writeTo(encoder);
        encoder.finish(true);
        local = null;
      } catch (IOException e) {
        if (conn.socketFailed()) throw e;
        local = encoder.failure() != null ? Preparer.tooLong(encoder.failure())
            : new LocalIoException("cannot read the message while sending it: " + e.getMessage(), e);
      } catch (MailException e) {
        local = e;
      } catch (RuntimeException e) {
        local = new MailException("cannot write the message while sending it: " + e, e);
      }
      if (local != null) {
        conn.trace().info("message abandoned: " + local.getMessage() + "; closing the connection");
        decide(Attempt.failed(local));
        return false;
      }
      conn.traceBody(encoder.size());
    }
    dataEndSent = true;
    return true;
  }

  /** Reads the reply to the end of data, within its own timeout. */
  void readEnd() throws IOException {
    conn.readTimeout(conn.dataEndMillis());
    try {
      dataEnd(read(Stage.DATA_END));
    } finally {
      conn.readTimeout(conn.replyMillis());
    }
  }

  private SmtpReply read(Stage stage) throws IOException {
    SmtpReply r = conn.read(stage);
    if (r.code() == 421) throw new Closing(this, r, stage);
    return r;
  }

  private SmtpReply command(String line, Stage stage) throws IOException {
    conn.write(line, null);
    conn.flush();
    return read(stage);
  }

  // ---------------------------------------------------------------- the reply interpreter

  /** The reply to MAIL; false when it ends the transaction. */
  boolean mail(SmtpReply r) {
    if (r.positive()) return true;
    decide(Attempt.failed(Failures.reply(Stage.MAIL, r, "MAIL FROM:<" + msg.job().envelope.sender() + "> was refused", null)));
    return false;
  }

  /** The reply to one RCPT. */
  void rcpt(String recipient, SmtpReply r) {
    if (r.positive()) accepted.add(recipient);
    else rejected.add(new SendReceipt.Rejection(recipient, r.code(), r.enhancedCode(), r.text()));
  }

  /** After the last RCPT's reply: false when the transaction is over (no recipient, or MAIL refused). */
  boolean recipientsDone() {
    if (result == null && accepted.isEmpty()) {
      decide(Attempt.failed(allRejected()));
      needsReset = true;
    }
    return result == null;
  }

  /** The reply to DATA, or with CHUNKING to the whole message. */
  void data(SmtpReply r) {
    if (result != null) {
      if (r.code() == 354) {
        throw new MalformedReplyException("the server accepted DATA although no recipient was accepted", Stage.DATA, 354, null,
            null, null, null);
      }
      return;
    }
    if (msg.bdat()) {
      dataEnd(r);
      if (!r.positive()) needsReset = true;
    } else if (r.code() == 354) {
      ready = true;
    } else {
      decide(Attempt.failed(Failures.reply(Stage.DATA, r, "DATA was refused", null)));
      needsReset = true;
    }
  }

  /** The reply to the end of the message. */
  void dataEnd(SmtpReply r) {
    if (r.positive()) {
      decide(Attempt.sent(new SendReceipt(msg.job().content.messageId().orElse(null), accepted, rejected, r.toString(),
          conn.server())));
    } else {
      decide(Attempt.failed(Failures.reply(Stage.DATA_END, r, "the server refused the message", null)));
    }
  }

  /** Every recipient refused: permanent only when every refusal was permanent. */
  private MailException allRejected() {
    for (SendReceipt.Rejection x : rejected) {
      if (x.code() < 500) {
        return new TransientMailException("every recipient was refused, " + x.recipient() + " for now: " + x.code()
            + (x.enhancedCode() == null ? "" : " " + x.enhancedCode()) + " " + Printable.escape(x.text()), Stage.RCPT, x.code(),
            x.enhancedCode(), x.text(), "try again later", null);
      }
    }
    return new RecipientsRejectedException(new SendReceipt(msg.job().content.messageId().orElse(null), List.of(), rejected,
        null, conn.server()));
  }

  /** The first decision stands. */
  void decide(Attempt a) {
    if (result == null) result = a;
    ready = false;
  }

  // ---------------------------------------------------------------- state

  int index() { return index; }

  /** 354 came: the message may follow. */
  boolean ready() { return ready; }

  /** The server's state must be reset before the next transaction. */
  boolean needsReset() { return needsReset; }

  /** Decided (sent or failed); else it was interrupted, or is under way. */
  boolean decided() { return result != null; }

  /** The stage a connection failure now falls in. */
  Stage stage() {
    return dataEndSent ? Stage.DATA_END : ready ? Stage.DATA : Stage.MAIL;
  }

  /**
   * The attempt after the connection broke with {@code f} (null when it was the server closing):
   * decided stays decided; an unanswered end of data may have been delivered; {@code f} fails the
   * transaction being read; one only written ahead was not attempted.
   */
  Attempt broken(MailException f, boolean current) {
    if (result != null) return result;
    if (dataEndSent) {
      MailException e = f != null ? f : new TransientMailException(Reason.CONNECTION_LOST,
          "the connection to " + conn.server() + " closed after the end of the message", Stage.DATA_END, 0, null, null, null, null);
      return Attempt.maybeDelivered(new TransientMailException(Reason.CONNECTION_LOST, e.getMessage() + "; the message may have been delivered, so it is not retried",
          Stage.DATA_END, e.replyCode(), e.enhancedCode().orElse(null), e.serverText().orElse(null),
          "check the recipient's mailbox before sending again", e));
    }
    if (current && f != null) return Attempt.failed(f);
    return Attempt.NOT_ATTEMPTED;
  }

  /** The attempt once the exchange ended normally. */
  Attempt result() { return result != null ? result : Attempt.NOT_ATTEMPTED; }
}
