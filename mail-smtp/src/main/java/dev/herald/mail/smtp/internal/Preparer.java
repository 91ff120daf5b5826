package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException.Reason;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
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

  /**
   * A message checked and encoded for this session, before any of it goes out.
   *
   * @param bdat sent as {@code BDAT n LAST} right behind its envelope
   * @param staged its encoding is in {@link #staging()} (until the next {@code prepare}); else streamed after 354
   * @param size octets as sent, or -1 when not counted
   */
  record Prepared(Job job, String mailLine, boolean bdat, boolean staged, long size) { }

  /** Checks and encodes a message; throws what keeps it from being sent at all. */
  Prepared prepare(Job j, Capabilities caps) {
    try {
      boolean utf8 = (!ascii(j.envelope) && j.envelope.requiresSmtpUtf8()) || j.content.requiresSmtpUtf8();
      if (utf8 && !caps.smtpUtf8()) {
        throw new InvalidMessageException("the message needs SMTPUTF8 (an internationalised address or header), which "
            + server + " does not offer", Stage.MAIL, 0, null, null,
            "use ASCII addresses, or a server that offers SMTPUTF8", null);
      }
      boolean bdat = settings.pipelining() && settings.chunking() && caps.pipelining() && caps.chunking();
      boolean staged;
      long size;
      long known = j.content.knownSize();
      if (known > STAGING_CAP) {
        // Known to be large: streamed after DATA straight away, never encoded into memory first.
        staged = false;
        size = known;
      } else {
        size = stage(j, bdat, caps);
        staged = size != STREAMED;
        if (!staged) size = caps.sizeLimit() >= 0 ? j.content.size() : -1;
      }
      bdat &= staged;
      long limit = caps.sizeLimit();
      if (limit > 0 && size > limit) {
        throw new PermanentMailException(Reason.MESSAGE_TOO_LARGE, "the message is " + size + " octets; " + server + " accepts at most " + limit
            + " (SIZE)", Stage.MAIL, 0, "5.3.4", null, "make the message smaller (e.g. link large files instead of attaching them)", null);
      }
      return new Prepared(j, mailLine(j, size, utf8, caps), bdat, staged, size);
    } catch (MailException e) {
      throw e;
    } catch (IOException e) {
      throw new LocalIoException("cannot read the message: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new MailException("cannot write the message: " + e, e);
    }
  }

  private static final long STREAMED = Long.MIN_VALUE;

  /**
   * Encodes the message into the staging buffer: its size, or {@link #STREAMED} past the cap
   * (it is then streamed after 354; counting it may mean rendering it once more, done only for SIZE).
   */
  private long stage(Job j, boolean bdat, Capabilities caps) throws IOException {
    encoder.reset(staging.reset(), !bdat);
    try {
      j.content.writeTo(encoder);
      encoder.finish(!bdat);
      return encoder.size();
    } catch (IOException e) {
      if (encoder.failure() != null) throw tooLong(encoder.failure());
      if (!staging.overflowed()) {
        throw new LocalIoException("cannot read the message: " + e.getMessage(), e);
      }
      return STREAMED;
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

  private String mailLine(Job j, long size, boolean utf8, Capabilities caps) {
    StringBuilder sb = new StringBuilder(64).append("MAIL FROM:<").append(path(j.envelope.sender(), caps)).append('>');
    if (caps.sizeLimit() >= 0 && size >= 0) sb.append(" SIZE=").append(size);
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
