package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  @Test void derivesFromEmailWithBccAndDeduplicates() {
    Email e = Email.builder().from("Ann <ann@example.org>").to("bob@example.net, Bob@EXAMPLE.NET")
        .cc("carl@example.net").bcc("dora@example.net, bob@Example.Net").subject("s").build();
    Envelope env = Envelope.of(e);
    assertEquals("ann@example.org", env.sender());
    assertEquals(List.of("bob@example.net", "Bob@EXAMPLE.NET", "carl@example.net", "dora@example.net"),
        env.recipients(), "local parts are case-sensitive, domains are not");
  }

  @Test void senderHeaderWinsForMailFrom() {
    Email e = Email.builder().from("ann@example.org").sender("bounces@example.org").to("bob@example.net")
        .subject("s").build();
    assertEquals("bounces@example.org", Envelope.of(e).sender());
  }

  @Test void nullSenderAndValidation() {
    assertEquals("", new Envelope("", List.of("a@example.com")).sender());
    assertThrows(InvalidMessageException.class, () -> new Envelope("a@example.com", List.of()));
    assertThrows(InvalidMessageException.class, () -> new Envelope("a@example.com", List.of("x@y.z\r\nRCPT TO:<e@vil>")));
  }

  @Test void noSenderIsNamed() {
    Email e = Email.builder().to("bob@example.net").subject("s").build();
    InvalidMessageException ex = assertThrows(InvalidMessageException.class, () -> Envelope.of(e));
    assertTrue(ex.getMessage().contains("no sender"));
  }
}
