package dev.herald.mail.smtp.internal;

import static dev.herald.mail.smtp.internal.ScriptedPeer.CLOSE;
import static dev.herald.mail.smtp.internal.ScriptedPeer.EHLO_LOCKSTEP;
import static dev.herald.mail.smtp.internal.ScriptedPeer.EHLO_PIPELINING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpSettings;
import dev.herald.mail.smtp.SmtpTransport;
import dev.herald.mail.smtp.TlsPolicy;
import dev.herald.mail.smtp.internal.Attempt.Outcome;
import dev.herald.mail.smtp.testing.Messages;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The session pieces against a scripted peer on loopback: the handshake's description of the
 * session, and the attempt each transaction returns, pipelined and in lock-step.
 */
class SessionTest {
  private static final String OK = "250 ok";
  private static final String GO = "354 go ahead";

  static SmtpSettings settings(int port, Consumer<SmtpTransport.Builder> more) {
    SmtpTransport.Builder b = SmtpTransport.builder().host("127.0.0.1").port(port).tls(TlsPolicy.NONE);
    more.accept(b);
    try (SmtpTransport t = b.build()) {
      return t.settings();
    }
  }

  private static Session open(ScriptedPeer peer, Consumer<SmtpTransport.Builder> more) {
    return Session.open(settings(peer.port(), more), () -> { throw new AssertionError("no TLS here"); }, Credentials.NONE,
        null, TraceListener.NONE);
  }

  private static Job job(String... recipients) {
    return new Job(Messages.envelope(recipients), Messages.text("hello\r\n"));
  }

  @Test void handshakeDescribesTheSession() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 peer.test ready", EHLO_PIPELINING);
        Session s = open(peer, b -> { })) {
      SessionInfo info = s.info();
      assertEquals(220, info.greeting().code());
      assertTrue(info.caps().pipelining());
      assertEquals(1_000_000, info.caps().sizeLimit());
      assertFalse(info.heloOnly());
      assertNull(info.tls());
      assertNull(info.authMechanism());
      Map<String, String> d = s.describe();
      assertEquals("yes", d.get("esmtp"));
      assertEquals("none (plaintext)", d.get("tls"));
      assertEquals("none", d.get("auth"));
    }
  }

  @Test void aServerWithoutEhloIsSpokenToWithHelo() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 old", "502 what?", "250 hello");
        Session s = open(peer, b -> { })) {
      assertTrue(s.info().heloOnly());
      assertEquals("no (HELO only)", s.describe().get("esmtp"));
      assertTrue(peer.commands().get(1).startsWith("HELO "), peer.commands().toString());
    }
  }

  @Test void pipelinedAttemptsSayHowEachMessageFared() throws Exception {
    // 1: every recipient refused; 2: sent (after RSET); 3: MAIL refused; 4: sent, no RSET needed.
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING,
            OK, "550 no such user", "554 no valid recipients",
            OK, OK, OK, GO, "250 queued as 2",
            "553 sender refused", OK, "503 no MAIL",
            OK, OK, GO, "250 queued as 4");
        Session s = open(peer, b -> { })) {
      List<Attempt> a = s.transfer(List.of(job("x@example.net"), job("a@example.net"), job("b@example.net"), job("c@example.net")));
      assertEquals(List.of(Outcome.FAILED, Outcome.SENT, Outcome.FAILED, Outcome.SENT), a.stream().map(Attempt::outcome).toList());
      assertInstanceOf(RecipientsRejectedException.class, a.get(0).failure());
      assertEquals("250 queued as 2", a.get(1).receipt().serverReply());
      assertEquals(List.of("a@example.net"), a.get(1).receipt().accepted());
      assertInstanceOf(PermanentMailException.class, a.get(2).failure());
      assertEquals(Stage.MAIL, a.get(2).failure().stage());
      assertEquals(List.of("MAIL", "RCPT", "DATA", "RSET", "MAIL", "RCPT", "DATA", ".", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "."),
          verbs(peer.commands().subList(1, 16)));
      assertTrue(s.usable());
      assertEquals(4, s.messages());
    }
  }

  @Test void lockStepStopsAtTheReplyThatEndsTheTransaction() throws Exception {
    // The same outcomes as pipelined, but no RCPT after a refused MAIL and no DATA without a recipient.
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_LOCKSTEP,
            OK, "550 no such user",
            OK, OK, OK, GO, "250 queued as 2",
            "553 sender refused",
            OK, OK, GO, "250 queued as 4");
        Session s = open(peer, b -> { })) {
      List<Attempt> a = s.transfer(List.of(job("x@example.net"), job("a@example.net"), job("b@example.net"), job("c@example.net")));
      assertEquals(List.of(Outcome.FAILED, Outcome.SENT, Outcome.FAILED, Outcome.SENT), a.stream().map(Attempt::outcome).toList());
      assertEquals(List.of("MAIL", "RCPT", "RSET", "MAIL", "RCPT", "DATA", ".", "MAIL", "MAIL", "RCPT", "DATA", "."),
          verbs(peer.commands().subList(1, 13)));
    }
  }

  @Test void aTemporaryRefusalOfEveryRecipientIsTransient() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING, OK, "450 mailbox busy", "554 no valid recipients");
        Session s = open(peer, b -> { })) {
      Attempt a = s.transfer(List.of(job("x@example.net"))).get(0);
      assertEquals(Outcome.FAILED, a.outcome());
      assertInstanceOf(TransientMailException.class, a.failure());
      assertEquals(450, a.failure().replyCode());
    }
  }

  @Test void aConnectionLostAfterTheEndOfDataMayHaveDelivered() throws Exception {
    // The first message's end of data goes out with the second's envelope; then the peer hangs up.
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING, OK, OK, GO, CLOSE);
        Session s = open(peer, b -> { })) {
      List<Attempt> a = s.transfer(List.of(job("a@example.net"), job("b@example.net"), job("c@example.net")));
      assertEquals(List.of(Outcome.MAYBE_DELIVERED, Outcome.NOT_ATTEMPTED, Outcome.NOT_ATTEMPTED),
          a.stream().map(Attempt::outcome).toList());
      assertEquals(Stage.DATA_END, a.get(0).failure().stage());
      assertTrue(a.get(0).failure().getMessage().contains("may have been delivered"), a.get(0).failure().getMessage());
      assertFalse(s.usable());
    }
  }

  @Test void aConnectionLostBeforeTheEndOfDataFailsOnlyTheMessageBeingSent() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING, OK, CLOSE);
        Session s = open(peer, b -> { })) {
      List<Attempt> a = s.transfer(List.of(job("a@example.net"), job("b@example.net")));
      assertEquals(Outcome.FAILED, a.get(0).outcome());
      assertInstanceOf(TransientMailException.class, a.get(0).failure());
      assertEquals(0, a.get(0).failure().replyCode());
      assertEquals(Outcome.NOT_ATTEMPTED, a.get(1).outcome());
      assertFalse(s.usable());
    }
  }

  @Test void a421EndsTheSessionAndFailsTheMessageTransiently() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_LOCKSTEP, "421 shutting down");
        Session s = open(peer, b -> { })) {
      List<Attempt> a = s.transfer(List.of(job("a@example.net"), job("b@example.net")));
      assertEquals(Outcome.FAILED, a.get(0).outcome());
      assertEquals(421, a.get(0).failure().replyCode());
      assertInstanceOf(TransientMailException.class, a.get(0).failure());
      assertEquals(Outcome.NOT_ATTEMPTED, a.get(1).outcome());
      assertFalse(s.usable());
    }
  }

  @Test void a421InAPipelinedFlightWinsOverTheRefusalsBeforeIt() throws Exception {
    // Lock-step would have stopped at the refusal; pipelined, the server then closing decides.
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING, OK, "550 no such user", "421 closing");
        Session s = open(peer, b -> { })) {
      Attempt a = s.transfer(List.of(job("x@example.net"))).get(0);
      assertEquals(Outcome.FAILED, a.outcome());
      assertInstanceOf(TransientMailException.class, a.failure());
      assertEquals(421, a.failure().replyCode());
      assertFalse(s.usable());
    }
  }

  @Test void dataAcceptedWithoutARecipientIsAMalformedExchange() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING, OK, "550 no", GO);
        Session s = open(peer, b -> { })) {
      Attempt a = s.transfer(List.of(job("a@example.net"))).get(0);
      // The refusal of every recipient decided the attempt; the confused server is not used again.
      assertInstanceOf(RecipientsRejectedException.class, a.failure());
      assertFalse(s.usable());
    }
  }

  @Test void theMessageCapLeavesTheRestNotAttempted() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING, OK, OK, GO, "250 queued");
        Session s = open(peer, b -> b.maxMessagesPerConnection(1))) {
      List<Attempt> a = s.transfer(List.of(job("a@example.net"), job("b@example.net")));
      assertEquals(List.of(Outcome.SENT, Outcome.NOT_ATTEMPTED), a.stream().map(Attempt::outcome).toList());
      assertTrue(s.exhausted());
      assertEquals(0, s.remaining());
    }
  }

  @Test void aMessageTooLargeForTheServerFailsBeforeAnythingIsSent() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", "250-peer.test\r\n250-SIZE 10\r\n250 PIPELINING", OK, OK, GO, "250 queued");
        Session s = open(peer, b -> { })) {
      List<Attempt> a = s.transfer(List.of(job("a@example.net")));
      assertEquals(Outcome.FAILED, a.get(0).outcome());
      assertEquals("5.3.4", a.get(0).failure().enhancedCode().orElse(null));
      assertEquals(0, s.messages());
      assertTrue(s.usable());
    }
  }

  @Test void aMalformedReplyBreaksTheSession() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("220 hi", EHLO_PIPELINING, "hello?");
        Session s = open(peer, b -> { })) {
      Attempt a = s.transfer(List.of(job("a@example.net"))).get(0);
      assertInstanceOf(MalformedReplyException.class, a.failure());
      assertFalse(s.usable());
    }
  }

  private static List<String> verbs(List<String> lines) {
    return lines.stream().map(l -> l.split("[ :]")[0]).toList();
  }
}
