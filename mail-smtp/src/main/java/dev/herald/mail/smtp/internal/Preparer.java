package dev.herald.mail.smtp.internal;

import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.smtp.SmtpSettings;
import java.io.IOException;

/**
 * Gets a message ready for the wire before any of it is sent: checks SMTPUTF8 and SIZE against
 * the server's capabilities, encodes a message of up to {@value #STAGING_CAP} octets into memory
 * (so that a bad line fails it cleanly and it can travel in the same write as its envelope; one
 * whose {@link dev.herald.mail.MessageContent#knownSize() known size} is larger is streamed at once), and
 * builds the MAIL and RCPT commands with their parameters. One per session; reuses its buffers.
 */
final class Preparer {
  static final int STAGING_CAP = 512 * 1024;

  private final SmtpSettings settings;
  private final String server;
  private final DataEncoder encoder = new DataEncoder();
  private final Staging staging = new Staging(8 * 1024, STAGING_CAP);

  Preparer(SmtpSettings settings, String server) {
    this.settings = settings;
    this.server = server;
  }

  DataEncoder encoder() { return encoder; }

  /** Holds the encoded message of the job prepared last, when it was staged. */
  Staging staging() { return staging; }

  /** Checks and encodes a message before any of it goes out; false (with the job failed) if it cannot be sent. */
  boolean prepare(Job j, Capabilities caps) {
    j.start();
    try {
      boolean utf8 = (!ascii(j.envelope) && j.envelope.requiresSmtpUtf8()) || j.content.requiresSmtpUtf8();
      if (utf8 && !caps.smtpUtf8()) {
        j.fail(new InvalidMessageException("the message needs SMTPUTF8 (an internationalised address or header), which "
            + server + " does not offer", Stage.MAIL, 0, null, null,
            "use ASCII addresses, or a server that offers SMTPUTF8", null), false);
        return false;
      }
      j.bdat = settings.pipelining() && settings.chunking() && caps.pipelining() && caps.chunking();
      long known = j.content.knownSize();
      if (known > STAGING_CAP) {
        // Known to be large: streamed after DATA straight away, never encoded into memory first.
        j.staged = false;
        j.bdat = false;
        j.size = known;
      } else {
        stage(j, caps);
      }
      long limit = caps.sizeLimit();
      if (limit > 0 && j.size > limit) {
        j.fail(new PermanentMailException(Reason.MESSAGE_TOO_LARGE, "the message is " + j.size + " octets; " + server + " accepts at most " + limit
            + " (SIZE)", Stage.MAIL, 0, "5.3.4", null, "make the message smaller (e.g. link large files instead of attaching them)", null), false);
        return false;
      }
      j.mailLine = mailLine(j, utf8, caps);
      return true;
    } catch (MailException e) {
      j.fail(e, false);
      return false;
    } catch (IOException e) {
      j.fail(new LocalIoException("cannot read the message: " + e.getMessage(), e), false);
      return false;
    } catch (RuntimeException e) {
      j.fail(new MailException("cannot write the message: " + e, e), false);
      return false;
    }
  }

  /** Encodes the message into the staging buffer; past its cap, marks the job for streaming instead. */
  private void stage(Job j, Capabilities caps) throws IOException {
    encoder.reset(staging.reset(), !j.bdat);
    try {
      j.content.writeTo(encoder);
      encoder.finish(!j.bdat);
      j.staged = true;
      j.size = encoder.size();
    } catch (IOException e) {
      if (encoder.failure() != null) throw tooLong(encoder.failure());
      if (!staging.overflowed()) {
        throw new LocalIoException("cannot read the message: " + e.getMessage(), e);
      }
      j.staged = false;
      j.bdat = false;
      // Counting a large rendered message may mean rendering it once more: only when SIZE asks for it.
      j.size = caps.sizeLimit() >= 0 ? j.content.size() : -1;
    }
  }

  private static boolean ascii(dev.herald.mail.Envelope e) {
    if (!ascii(e.sender())) return false;
    for (String r : e.recipients()) if (!ascii(r)) return false;
    return true;
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0x7f) return false;
    return true;
  }

  static InvalidMessageException tooLong(DataEncoder.LineTooLongException e) {
    return new InvalidMessageException(e.getMessage() + " (RFC 5322); nothing was sent", Stage.LOCAL, 0, null, null,
        "wrap long lines or encode the body as quoted-printable or base64", null);
  }

  private String mailLine(Job j, boolean utf8, Capabilities caps) {
    StringBuilder sb = new StringBuilder(64).append("MAIL FROM:<").append(path(j.envelope.sender(), caps)).append('>');
    if (caps.sizeLimit() >= 0 && j.size >= 0) sb.append(" SIZE=").append(j.size);
    if (j.content.has8bit() && caps.eightBitMime()) sb.append(" BODY=8BITMIME");
    if (utf8) sb.append(" SMTPUTF8");
    if (settings.dsn().ret() != null && caps.dsn()) sb.append(" RET=").append(settings.dsn().ret());
    return sb.toString();
  }

  /** An address as the server can take it: Unicode domains become A-labels when SMTPUTF8 is not on offer. */
  private static String path(String address, Capabilities caps) {
    if (address.isEmpty() || caps.smtpUtf8()) return address;
    for (int i = 0; i < address.length(); i++) {
      if (address.charAt(i) > 0x7f) return dev.herald.mail.Address.parse(address).asciiAddress();
    }
    return address;
  }

  /** The RCPT command for one recipient, with NOTIFY when DSN is configured and offered. */
  String rcptLine(String rcpt, Capabilities caps) {
    String line = "RCPT TO:<" + path(rcpt, caps) + ">";
    if (!settings.dsn().notifyOn().isEmpty() && caps.dsn()) line += " NOTIFY=" + String.join(",", settings.dsn().notifyOn());
    return line;
  }
}
