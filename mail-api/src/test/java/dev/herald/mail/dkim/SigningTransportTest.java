package dev.herald.mail.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Outgoing;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Mailer.builder().dkim(…) signs what the transport gets, after the profile's defaults are applied. */
class SigningTransportTest {
  static final class Capturing implements Transport {
    final List<String> sent = new ArrayList<>();
    boolean closed;

    @Override public SendReceipt send(Envelope envelope, MessageContent content) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        content.writeTo(out);
        sent.add(out.toString(StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new SendReceipt(content.messageId().orElse(null), envelope.recipients(), List.of(), "250 ok", describe());
    }

    @Override public String describe() { return "capture"; }
    @Override public void close() { closed = true; }
  }

  @Test void mailerSignsAfterItsDefaultsAndCheckShowsTheSetup() throws Exception {
    Capturing t = new Capturing();
    DkimSigner signer = DkimSigner.builder().domain("example.org").selector("s1").privateKey(DkimSignerTest.rfc8463Key()).build();
    try (Mailer m = Mailer.builder().transport(t).from("ann@example.org").header("X-Team", "ops").dkim(signer).build()) {
      m.send(Email.builder().to("bob@example.net").subject("hi").text("hello").build());
      Map<String, String> check = m.check();
      assertEquals("d=example.org s=s1 a=ed25519-sha256 c=relaxed/relaxed; key readable (given in code)", check.get("dkim"));
      assertEquals("s1._domainkey.example.org IN TXT \"v=DKIM1; k=ed25519; p=" + DkimSignerTest.RFC8463_PUBLIC + "\"",
          check.get("dkim-dns"));
    }
    assertTrue(t.closed, "closing the mailer closes the wrapped transport");
    String msg = t.sent.get(0);
    assertTrue(msg.startsWith("DKIM-Signature: v=1; a=ed25519-sha256;"), msg);
    assertTrue(msg.contains("\r\nX-Team: ops\r\n") && msg.contains("\r\nFrom: ann@example.org\r\n"), msg);
  }

  @Test void batchesAndAsyncSendsAreSignedAndAnUnsignableMessageFailsAlone() throws Exception {
    Capturing t = new Capturing();
    DkimSigner signer = DkimSigner.builder().domain("example.org").selector("s1").privateKey(DkimSignerTest.rfc8463Key()).build();
    Transport signing = signer.wrap(t);
    Envelope env = new Envelope("ann@example.org", List.of("bob@example.net"));
    MessageContent noFrom = MessageContent.ofBytes("To: bob@example.net\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
    MessageContent ok = MessageContent.ofBytes("From: ann@example.org\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
    List<SendOutcome> outcomes = signing.sendAll(List.of(new Outgoing(env, noFrom), new Outgoing(env, ok)));
    assertEquals(2, outcomes.size());
    assertEquals(0, outcomes.get(0).index());
    assertTrue(outcomes.get(0).failure() instanceof InvalidMessageException, String.valueOf(outcomes.get(0).failure()));
    assertEquals(1, outcomes.get(1).index());
    assertTrue(outcomes.get(1).sent());
    assertEquals(1, t.sent.size());
    assertTrue(t.sent.get(0).startsWith("DKIM-Signature: "), t.sent.get(0));

    signing.sendAsync(env, ok).get(10, TimeUnit.SECONDS);
    assertEquals(2, t.sent.size());
    assertTrue(t.sent.get(1).startsWith("DKIM-Signature: "), t.sent.get(1));
    ExecutionException e = assertThrows(ExecutionException.class, () -> signing.sendAsync(env, noFrom).get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof InvalidMessageException, String.valueOf(e.getCause()));
  }
}
