package dev.herald.mail.testkit.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpSyntaxTest {
  @Test void paths() {
    SmtpSyntax.Path p = SmtpSyntax.path("from: <a@example.org> size=10 SMTPUTF8", "FROM:");
    assertEquals("a@example.org", p.address());
    assertEquals(Map.of("SIZE", "10", "SMTPUTF8", ""), p.parameters());
    assertEquals("", SmtpSyntax.path("FROM:<>", "FROM:").address());
    assertEquals("b@example.net", SmtpSyntax.path("TO:<@relay.example:b@example.net>", "TO:").address());
    assertEquals("\"odd>name\"@example.net", SmtpSyntax.path("TO:<\"odd>name\"@example.net>", "TO:").address());
    assertNull(SmtpSyntax.path("TO:b@example.net", "TO:"));
    assertNull(SmtpSyntax.path("TO:<b@example.net", "TO:"));
    assertNull(SmtpSyntax.path("FROM:<a@b.c>", "TO:"));
  }

  @Test void mailboxes() {
    assertTrue(SmtpSyntax.validMailbox("a@example.org"));
    assertTrue(SmtpSyntax.validMailbox("jörg@bücher.example"));
    assertFalse(SmtpSyntax.validMailbox("no-at-sign"));
    assertFalse(SmtpSyntax.validMailbox("Name <a@example.org>"));
    assertFalse(SmtpSyntax.validMailbox("a b@example.org"));
    // Address.parse takes RFC 5322 comments and white space now; an SMTP path does not.
    assertFalse(SmtpSyntax.validMailbox("a@example.org(comment)"));
    assertFalse(SmtpSyntax.validMailbox("a@\texample.org"));
    assertFalse(SmtpSyntax.validMailbox("x\"a\"@example.org"));
    assertTrue(SmtpSyntax.validMailbox("\"a b\"@example.org"));
  }

  @Test void lines() {
    assertEquals("EHLO x", SmtpSyntax.text("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("EHLO x", SmtpSyntax.text("EHLO x\n".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(SmtpSyntax.isEndOfData(".\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(SmtpSyntax.isEndOfData(".\n".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(SmtpSyntax.isEndOfData("..\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(SmtpSyntax.isEndOfData(". \r\n".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test void saslResponses() {
    Sasl.Login plain = Sasl.plain("admin\0bob\0pw".getBytes(StandardCharsets.UTF_8));
    assertEquals(new Sasl.Login("admin", "bob", "pw"), plain);
    assertNull(Sasl.plain("bob\0pw".getBytes(StandardCharsets.UTF_8)));
    assertEquals(new Sasl.Login("", "bob@x.org", "ya29.t"),
        Sasl.xoauth2("user=bob@x.org\u0001auth=Bearer ya29.t\u0001\u0001".getBytes(StandardCharsets.UTF_8)));
    assertEquals(new Sasl.Login("", "a,b=c@x.org", "tok"),
        Sasl.oauthBearer("n,a=a=2Cb=3Dc@x.org,\u0001host=h\u0001port=587\u0001auth=Bearer tok\u0001\u0001".getBytes(StandardCharsets.UTF_8)));
    assertEquals("bob", Sasl.claimedUser("PLAIN", Sasl.base64("\0bob\0pw")));
    assertEquals("(scripted)", Sasl.claimedUser("PLAIN", "!!"));
    assertEquals("(scripted)", Sasl.claimedUser("CRAM-MD5", null));
  }
}
