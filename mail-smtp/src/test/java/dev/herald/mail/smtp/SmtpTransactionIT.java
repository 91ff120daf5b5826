package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.Outgoing;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.testing.Messages;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's mail transactions against mail-testkit's MockSmtpServer: pipelining, recipients accepted and refused, the content on the wire (SIZE, SMTPUTF8, 8BITMIME, dot-stuffing, BDAT, DSN). */
class SmtpTransactionIT extends SmtpClientFixture {

  @Test void pipeliningSendsEnvelopeInOneFlight() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    SendReceipt r = t.send(envelope("a@example.net", "b@example.net", "c@example.net"), text("x"));
    assertEquals(3, r.accepted().size());
    // Pipelined: the three RCPTs and DATA are written before the MAIL reply is read.
    List<String> l = trace.lines();
    int mail = l.indexOf("> MAIL FROM:<sender@example.org> SIZE=" + sizeOf(l));
    assertTrue(mail >= 0, trace.text());
    assertEquals(List.of("> RCPT TO:<a@example.net>", "> RCPT TO:<b@example.net>", "> RCPT TO:<c@example.net>", "> DATA"),
        l.subList(mail + 1, mail + 5));
    assertEquals(1, server.takeMessage(TAKE).session());
  }

  private static String sizeOf(List<String> lines) {
    for (String s : lines) if (s.startsWith("> MAIL FROM:")) return s.substring(s.indexOf("SIZE=") + 5);
    return "?";
  }

  @Test void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).pipelining(false));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    t.send(envelope("a@example.net", "b@example.net"), text("x"));
    List<String> l = trace.lines();
    int mail = indexOfPrefix(l, "> MAIL");
    assertTrue(l.get(mail + 1).startsWith("< 250"), trace.text());
    assertEquals("> RCPT TO:<a@example.net>", l.get(mail + 2));
    assertTrue(l.get(mail + 3).startsWith("< 250"));
    assertNotNull(server.takeMessage(TAKE));
  }

  @Test void pipeliningOffInConfigIsHonoured() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "pipelining", false);
    t.send(envelope("a@example.net"), text("x"));
    List<String> l = trace.lines();
    assertTrue(l.get(indexOfPrefix(l, "> MAIL") + 1).startsWith("< 250"), trace.text());
  }

  private static int indexOfPrefix(List<String> l, String prefix) {
    for (int i = 0; i < l.size(); i++) if (l.get(i).startsWith(prefix)) return i;
    throw new AssertionError("no line starting with " + prefix + " in " + l);
  }

  @Test void partialRecipientsAreReported() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user"));
    SendReceipt r = transport(server, Credentials.NONE, "tls", "none")
        .send(envelope("a@example.net", "ghost@example.net", "b@example.net"), text("x"));
    assertTrue(r.partial());
    assertEquals(List.of("a@example.net", "b@example.net"), r.accepted());
    SendReceipt.Rejection x = r.rejected().get(0);
    assertEquals("ghost@example.net", x.recipient());
    assertEquals(550, x.code());
    assertEquals("5.1.1", x.enhancedCode());
    assertEquals(List.of("a@example.net", "b@example.net"), server.takeMessage(TAKE).envelope().recipients());
  }

  @Test void everyRecipientRejectedIsRecipientsRejectedAndNoData() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).reply(550, "5.1.1 No such user"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "pipelining", false);
    RecipientsRejectedException e = assertThrows(RecipientsRejectedException.class,
        () -> t.send(envelope("x@example.net", "y@example.net"), text("x")));
    assertEquals(2, e.receipt().rejected().size());
    assertEquals(0, trace.clientLines("DATA"));
    // The connection is reset before it carries the next message.
    server.clearScript();
    t.send(envelope("a@example.net"), text("next"));
    assertEquals(1, trace.clientLines("RSET"));
    assertEquals(1, server.takeMessage(TAKE).session());
  }

  @Test void everyRecipientRejectedWhilePipelined() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).reply(550, "5.1.1 No such user"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    RecipientsRejectedException e = assertThrows(RecipientsRejectedException.class, () -> t.send(envelope("x@example.net"), text("x")));
    assertEquals(Stage.RCPT, e.stage());
    assertEquals(550, e.replyCode());
    assertEquals(0, trace.lines().stream().filter(s -> s.startsWith("> <message")).count());
  }

  @Test void allRecipientsGreylistedIsTransient() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).reply(450, "4.2.0 Greylisted, try later"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("x@example.net"), text("x")));
    assertEquals(450, e.replyCode());
  }

  @Test void reply451AtEndOfDataIsTransientAndNothingIsRecorded() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).reply(451, "4.3.0 Local error in processing").once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
    assertEquals(451, e.replyCode());
    assertEquals(0, server.messageCount());
    // The connection stays usable.
    t.send(envelope("a@example.net"), text("y"));
    assertEquals(1, server.sessionCount());
  }

  @Test void reply554AtEndOfDataIsPermanent() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).reply(554, "5.6.0 Message rejected as spam"));
    PermanentMailException e = assertThrows(PermanentMailException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
  }

  @Test void sizeExceededFailsBeforeMail() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).size(1000));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    PermanentMailException e = assertThrows(PermanentMailException.class,
        () -> t.send(envelope("a@example.net"), text("x".repeat(900) + "\r\n" + "y".repeat(900) + "\r\n")));
    assertTrue(e.getMessage().contains("accepts at most 1000"), e.getMessage());
    assertTrue(e.getMessage().matches(".*message is \\d+ octets.*"), e.getMessage());
    assertEquals(0, trace.clientLines("MAIL"));
  }

  @Test void smtpUtf8MissingForInternationalAddressFailsBeforeAnything() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).smtpUtf8(false));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> t.send(envelope("jörg@example.net"), text("x")));
    assertTrue(e.getMessage().contains("SMTPUTF8"), e.getMessage());
    assertEquals(0, trace.clientLines("MAIL"));
  }

  @Test void smtpUtf8DeclaredWhenOffered() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none").send(envelope("jörg@example.net"), text("x"));
    RecordedMessage m = server.takeMessage(TAKE);
    assertTrue(m.mailParameters().containsKey("SMTPUTF8"), m.mailParameters().toString());
    assertEquals(List.of("jörg@example.net"), m.envelope().recipients());
  }

  @Test void eightBitContentDeclares8BitMime() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("grüße\r\n"));
    assertEquals("8BITMIME", server.takeMessage(TAKE).mailParameters().get("BODY"));
  }

  @Test void lineOver998OctetsIsRefusedBeforeAnythingIsSent() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    InvalidMessageException e = assertThrows(InvalidMessageException.class,
        () -> t.send(envelope("a@example.net"), text("ok\r\n" + "z".repeat(999) + "\r\n")));
    assertTrue(e.getMessage().contains("998"), e.getMessage());
    assertEquals(0, trace.clientLines("MAIL"));
    assertEquals(0, server.messageCount());
    // A line of exactly 998 octets is fine.
    t.send(envelope("a@example.net"), text("z".repeat(998) + "\r\n"));
  }

  @Test void bareLfAndCrAreNormalisedToCrlfOnTheWire() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    byte[] raw = "Subject: smuggle\n\nline1\nline2\rline3\r\n.\r\nMAIL FROM:<evil@example.org>\n.\nend".getBytes(StandardCharsets.US_ASCII);
    transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), Messages.exact(raw));
    RecordedMessage m = server.takeMessage(TAKE);
    byte[] got = m.raw();
    for (int i = 0; i < got.length; i++) {
      if (got[i] == '\n') assertTrue(i > 0 && got[i - 1] == '\r', "bare LF at " + i);
      if (got[i] == '\r') assertTrue(i + 1 < got.length && got[i + 1] == '\n', "bare CR at " + i);
    }
    assertEquals("Subject: smuggle\r\n\r\nline1\r\nline2\r\nline3\r\n.\r\nMAIL FROM:<evil@example.org>\r\n.\r\nend\r\n", m.rawText());
    assertEquals(1, server.messageCount());
  }

  @Test void dotStuffingRoundTrips() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    String body = ".\r\n..\r\n.leading dot\r\nmiddle . dot\r\n.";
    transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text(body));
    assertTrue(server.takeMessage(TAKE).rawText().endsWith("\r\n\r\n.\r\n..\r\n.leading dot\r\nmiddle . dot\r\n.\r\n"));
  }

  @Test void chunkingSendsWholeMessageWithBdat() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).chunking(true));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    String body = ".leading dot\r\nbare\nlf\r\n";
    t.send(envelope("a@example.net"), text(body));
    RecordedMessage m = server.takeMessage(TAKE);
    assertTrue(m.chunked());
    assertTrue(m.rawText().endsWith("\r\n\r\n.leading dot\r\nbare\r\nlf\r\n"), m.rawText());
    assertEquals(0, trace.clientLines("DATA"));
    assertEquals(1, trace.clientLines("BDAT"));
  }

  @Test void chunkingRejectedRecipientsAndFailures() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).chunking(true));
    server.script(at(Stage.DATA_END).reply(554, "5.6.0 No thanks").once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    PermanentMailException e = assertThrows(PermanentMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
    t.send(envelope("a@example.net"), text("y"));
    assertEquals(1, server.messageCount());
    assertEquals(1, trace.clientLines("RSET"));
  }

  @Test void dsnParametersWhenConfigured() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none", "dsn.notify", List.of("failure", "delay"), "dsn.ret", "hdrs")
        .send(envelope("a@example.net"), text("x"));
    RecordedMessage m = server.takeMessage(TAKE);
    assertEquals("HDRS", m.mailParameters().get("RET"));
    assertEquals("FAILURE,DELAY", m.rcptParameters().get("a@example.net").get("NOTIFY"));
  }

  @Test void unicodeDomainBecomesALabelsWithoutSmtpUtf8() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).smtpUtf8(false));
    transport(server, Credentials.NONE, "tls", "none").send(envelope("leser@bücher.example"), text("x"));
    assertEquals(List.of("leser@xn--bcher-kva.example"), server.takeMessage(TAKE).envelope().recipients());
  }

  @Test void contentThatFailsToRenderFailsOnlyItsMessage() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-connections", 1);
    dev.herald.mail.MessageContent broken = new dev.herald.mail.MessageContent() {
      @Override public void writeTo(java.io.OutputStream out) throws java.io.IOException { throw new java.io.IOException("disk on fire"); }
      @Override public long size() { return 10; }
      @Override public java.util.Optional<String> messageId() { return java.util.Optional.empty(); }
      @Override public boolean has8bit() { return false; }
      @Override public boolean requiresSmtpUtf8() { return false; }
    };
    List<Outgoing> batch = new ArrayList<>(dev.herald.mail.smtp.testing.Outgoings.to("a@example.net", 3));
    batch.add(1, new Outgoing(envelope("a@example.net"), broken));
    List<SendOutcome> out = t.sendAll(batch);
    assertTrue(out.get(1).failure().getMessage().contains("disk on fire"));
    assertEquals(3, server.messageCount());
    assertEquals(1, server.sessionCount());
  }
}
