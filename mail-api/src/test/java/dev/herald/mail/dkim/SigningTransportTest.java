package dev.herald.mail.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.Mailer;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
}
