package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {

  @Test void parsesBareAddress() {
    Address a = Address.parse("  bob@example.net ");
    assertNull(a.displayName());
    assertEquals("bob", a.localPart());
    assertEquals("example.net", a.domain());
    assertEquals("bob@example.net", a.toString());
  }

  @Test void parsesDisplayNameForms() {
    assertEquals("Ann Lee", Address.parse("Ann Lee <ann@example.org>").displayName());
    Address quoted = Address.parse("\"Lee, Ann \\\"AL\\\"\" <ann@example.org>");
    assertEquals("Lee, Ann \"AL\"", quoted.displayName());
    assertEquals("\"Lee, Ann \\\"AL\\\"\" <ann@example.org>", quoted.toString());
  }

  @Test void listKeepsCommasInsideQuotes() {
    List<Address> list = Address.parseList("\"Lee, Ann\" <ann@example.org>, bob@example.net,");
    assertEquals(2, list.size());
    assertEquals("Lee, Ann", list.get(0).displayName());
    assertEquals("bob@example.net", list.get(1).address());
  }

  @Test void internationalisedAddressesAreFlagged() {
    Address utf8 = Address.parse("José <josé@example.com>");
    assertTrue(utf8.requiresSmtpUtf8());
    Address idn = Address.parse("info@bücher.de");
    assertFalse(idn.requiresSmtpUtf8(), "an IDN domain travels as A-labels");
    assertEquals("info@xn--bcher-kva.de", idn.asciiAddress());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "plainaddress", "@example.com", "bob@", "bob@exa mple.com", "bob@-bad.com",
      "bob@example..com", "Bob <bob@example.com", "Bob bob@example.com>", "\"Bob <bob@example.com>"})
  void rejectsMalformed(String input) {
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Address.parse(input));
    assertTrue(e.getMessage().startsWith("invalid address"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bob@example.com\r\nBcc: victim@example.org", "Bob\n <bob@example.com>", "bob@example.com\r"})
  void refusesLineBreaks(String input) {
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Address.parse(input));
    assertTrue(e.getMessage().contains("line break"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "the error is one line");
  }

  @Test void mailboxKeyFoldsDomainCaseOnly() {
    assertEquals(Address.parse("Bob@EXAMPLE.com").mailboxKey(), Address.parse("Bob@example.COM").mailboxKey());
    assertNotEquals(Address.parse("Bob@example.com").mailboxKey(), Address.parse("bob@example.com").mailboxKey());
  }

  @Test void rejectsOverlongLocalPart() {
    assertThrows(InvalidMessageException.class, () -> Address.parse("x".repeat(65) + "@example.com"));
  }
}
