package dev.herald.mail.testkit;

import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.Stage;
import dev.herald.mail.testkit.internal.LineReader;
import dev.herald.mail.testkit.internal.SmtpSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * How one session receives a message: DATA (dot-unstuffed lines) or BDAT chunks, within the size
 * and line limits, and its recording when the end of data is accepted.
 */
final class MessageReception {
  private final SmtpSession session;
  private final SmtpWire wire;
  private final ServerOptions cfg;
  private final MockSmtpServer server;
  private ByteArrayOutputStream chunks;
  private boolean chunksTooBig;
  private boolean chunkFailed;

  MessageReception(SmtpSession session, SmtpWire wire, MockSmtpServer server) {
    this.session = session;
    this.wire = wire;
    this.cfg = server.options;
    this.server = server;
  }

  /** Forgets the chunks of a BDAT transaction; with the session's transaction. */
  void reset() {
    chunks = null;
    chunksTooBig = false;
    chunkFailed = false;
  }

  /** DATA: {@code 354}, then the lines up to the lone dot. */
  void data(String arg, String line) throws IOException {
    Fault.Effect e = session.consult(Stage.DATA, line, null, 0);
    if (e instanceof Fault.DropMidData) {
      wire.reply(354, null, "End data with <CR><LF>.<CR><LF>");
      try {
        wire.in.readLine(cfg.maxLineLength);
      } catch (LineReader.LineTooLongException ignored) {
        // part of the message read; that is all we wanted
      }
      wire.event("dropping the connection in the middle of DATA, as scripted");
      wire.closing = true;
      return;
    }
    if (wire.carryOut(e)) return;
    if (e instanceof Fault.Reply r) {
      wire.send(r);
      if (r.code() == 354) readData();
      return;
    }
    if (session.sender == null) { wire.reply(503, "5.5.1", "Need MAIL command"); return; }
    if (session.rcpts.isEmpty()) { wire.reply(554, "5.5.1", "No valid recipients"); return; }
    if (!arg.isEmpty()) { wire.reply(501, "5.5.4", "Syntax: DATA takes no parameters"); return; }
    wire.reply(354, null, "End data with <CR><LF>.<CR><LF>");
    readData();
  }

  private void readData() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long total = 0;
    boolean tooBig = false;
    boolean longLine = false;
    while (true) {
      byte[] l;
      try {
        l = wire.in.readLine(cfg.maxLineLength);
      } catch (LineReader.LineTooLongException ex) {
        longLine = true;
        continue;
      }
      if (l == null) {
        wire.event("client closed the connection during DATA after " + total + " octets");
        wire.closing = true;
        return;
      }
      if (SmtpSyntax.isEndOfData(l)) break;
      int off = l[0] == '.' ? 1 : 0;
      total += l.length - off;
      if (total > cfg.maxMessageSize) tooBig = true;
      else buf.write(l, off, l.length - off);
    }
    wire.client("<message: " + total + " octets>");
    wire.client(".");
    dataEnd(buf.toByteArray(), total, tooBig, longLine, false);
  }

  /** BDAT {@code size [LAST]}: one chunk, the message at the last. */
  void bdat(String arg, String line) throws IOException {
    String[] a = arg.split(" +");
    long n;
    boolean last = a.length == 2 && a[1].equalsIgnoreCase("LAST");
    try {
      n = Long.parseLong(a[0]);
      if (n < 0 || a.length > 2 || (a.length == 2 && !last)) throw new NumberFormatException();
    } catch (NumberFormatException ex) {
      wire.reply(501, "5.5.4", "Syntax: BDAT size [LAST]");
      wire.closing = true; // the chunk's length is unknown: the stream cannot be resynchronised
      return;
    }
    boolean firstChunk = chunks == null;
    if (firstChunk) {
      Fault.Effect e = session.consult(Stage.DATA, line, null, 0);
      if (e instanceof Fault.DropMidData) {
        wire.in.readExactly(n / 2, null);
        wire.event("dropping the connection in the middle of BDAT, as scripted");
        wire.closing = true;
        return;
      }
      if (e instanceof Fault.Reply r && r.code() / 100 != 2) {
        wire.in.readExactly(n, null);
        wire.send(r);
        chunkFailed = true;
        chunks = new ByteArrayOutputStream();
        if (last) session.resetTransaction();
        return;
      }
      if (wire.carryOut(e)) return;
      chunks = new ByteArrayOutputStream();
    }
    long room = cfg.maxMessageSize - chunks.size();
    boolean fits = !chunksTooBig && n <= room;
    if (!wire.in.readExactly(n, fits ? chunks : null)) {
      wire.event("client closed the connection during BDAT");
      wire.closing = true;
      return;
    }
    if (!fits) chunksTooBig = true;
    wire.client("<chunk: " + n + " octets" + (last ? ", last" : "") + ">");
    if (chunkFailed) { wire.reply(503, "5.5.1", "Earlier chunk refused"); if (last) session.resetTransaction(); return; }
    if (session.sender == null) { wire.reply(503, "5.5.1", "Need MAIL command"); session.resetTransaction(); return; }
    if (session.rcpts.isEmpty()) { wire.reply(554, "5.5.1", "No valid recipients"); session.resetTransaction(); return; }
    if (!last) {
      wire.reply(250, "2.0.0", n + " octets received");
      return;
    }
    byte[] data = chunks.toByteArray();
    dataEnd(data, data.length, chunksTooBig, false, true);
  }

  private void dataEnd(byte[] data, long size, boolean tooBig, boolean longLine, boolean chunked) throws IOException {
    try {
      Fault.Effect e = session.consult(Stage.DATA_END, ".", null, size);
      if (wire.carryOut(e)) return;
      if (e instanceof Fault.Reply r) {
        if (r.code() / 100 == 2) record(data, chunked);
        wire.send(r);
        return;
      }
      if (tooBig) { wire.reply(552, "5.3.4", "Message size exceeds fixed maximum message size"); return; }
      if (longLine) { wire.reply(500, "5.5.2", "Line too long (limit " + cfg.maxLineLength + " octets with CRLF)"); return; }
      RecordedMessage m = record(data, chunked);
      if (m == null) wire.reply(554, "5.5.1", "No valid recipients");
      else wire.reply(250, "2.0.0", "OK: queued as MOCK" + String.format(Locale.ROOT, "%06X", m.index()));
    } finally {
      session.resetTransaction();
    }
  }

  private RecordedMessage record(byte[] data, boolean chunked) {
    Envelope envelope;
    try {
      envelope = new Envelope(session.sender == null ? "" : session.sender, session.rcpts);
    } catch (MailException e) {
      wire.event("not recorded: " + e.getMessage());
      return null;
    }
    RecordedMessage m = new RecordedMessage(server.recorder.nextMessageIndex(), session.id, envelope, session.mailParams, session.rcptParams,
        data, session.tls, session.tlsProtocol, session.authUser, session.authMech, session.heloName, chunked, wire.transcript);
    wire.event("recorded message #" + m.index() + " (" + data.length + " octets)");
    server.recorder.record(m);
    return m;
  }
}
