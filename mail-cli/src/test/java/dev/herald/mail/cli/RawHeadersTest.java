package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawHeadersTest {
  private static RawHeaders of(String s) { return RawHeaders.of(s.getBytes(StandardCharsets.UTF_8)); }

  @Test void foldedFieldsAndAddresses() {
    RawHeaders h = of("To: a@example.com,\r\n b@example.com\r\nCC: \"Doe, J\" <j@example.com>\r\nSubject: x\r\n\r\nTo: not@header.example\r\n");
    assertEquals(List.of("a@example.com", "b@example.com", "j@example.com"), h.addresses("To", "Cc"));
    assertTrue(h.has("subject"));
    assertFalse(h.has("Date"));
  }

  @Test void rewriteRemovesFieldsWithTheirContinuationsAndPrepends() {
    RawHeaders h = of("From: a@example.com\nBcc: x@example.com,\n\ty@example.com\nSubject: s\n\nBcc: in the body stays\n");
    String out = new String(h.rewrite(List.of("Bcc"), List.of("Date: now")), StandardCharsets.UTF_8);
    assertEquals("Date: now\r\nFrom: a@example.com\nSubject: s\n\nBcc: in the body stays\n", out);
  }

  @Test void groupsAndComments() {
    assertEquals(" a@example.com , b@example.com,", RawHeaders.plainList("team: a@example.com (Ann), b@example.com;"));
    assertEquals(List.of("c@example.com", "a@example.com"),
        of("To: c@example.com, undisclosed:;, list: a@example.com;\n\n").addresses("To"));
  }

  @Test void noHeadersAtAll() {
    RawHeaders h = of("just a body line\n");
    assertFalse(h.has("From"));
    assertEquals("X: y\r\njust a body line\n", new String(h.rewrite(List.of("Bcc"), List.of("X: y")), StandardCharsets.UTF_8));
  }
}
