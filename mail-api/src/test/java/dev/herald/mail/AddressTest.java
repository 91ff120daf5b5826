package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.testing.Fuzz;
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

  /**
   * The envelope's one-scan check agrees with the parser on every random string it accepts. A property
   * test: a few thousand cases here, 100 times more and a fresh seed with {@code mvn -Pfuzz} (see {@link Fuzz}).
   */
  @Test void plainKeyAgreesWithTheParserOnRandomStrings() {
    String alphabet = "abcXYZ09.-@_+!\"' <>[]ü\t";
    int[] accepted = {0};
    int n = Fuzz.run(4_000, 4, random -> {
      StringBuilder sb = new StringBuilder();
      int length = 1 + random.nextInt(12);
      for (int k = 0; k < length; k++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      if (random.nextBoolean()) sb.insert(random.nextInt(sb.length() + 1), '@');
      String s = sb.toString();
      String key = Address.plainKey(s);
      Address parsed;
      try {
        parsed = Address.parse(s);
      } catch (InvalidMessageException e) {
        assertNull(key, s);
        return;
      }
      if (key != null) {
        accepted[0]++;
        assertEquals(s, parsed.address(), s);
        assertEquals(parsed.mailboxKey(), key, s);
      }
    });
    // The generator must reach the fast path often enough for the comparison to mean something.
    assertTrue(accepted[0] > n / 400, "plain addresses generated: " + accepted[0] + " of " + n);
  }

  @Test void plainKeyAcceptsPlainAddressesOnly() {
    for (String plain : List.of("a@b", "first.last+tag@Example.COM", "x@a-b.c0", "o'neil@example.org")) {
      assertNotNull(Address.plainKey(plain), plain);
    }
    for (String other : List.of("a@-b.c", "a@b-.c", "a@b..c", ".a@b", "a.@b", "a..b@c", "a@[1.2.3.4]", " a@b", "a@b ",
        "\"a\"@b", "a@bü", "ü@b", "A <a@b>", "a@" + "x".repeat(64), "x".repeat(65) + "@b", "a@b.", "@b", "a@")) {
      assertNull(Address.plainKey(other), other);
    }
  }

  @Test void localPartLimitCountsUtf8Octets() {
    assertEquals("€".repeat(21) + "@example.org", Address.parse("€".repeat(21) + "@example.org").address());  // 63 octets
    assertThrows(InvalidMessageException.class, () -> Address.parse("€".repeat(22) + "@example.org"));  // 66
    assertEquals("😀".repeat(16) + "@example.org", Address.parse("😀".repeat(16) + "@example.org").address());  // 64
    assertThrows(InvalidMessageException.class, () -> Address.parse("😀".repeat(16) + "a@example.org"));  // 65
    assertEquals("é".repeat(32) + "@example.org", Address.parse("é".repeat(32) + "@example.org").address());  // 64
    assertThrows(InvalidMessageException.class, () -> Address.parse("é".repeat(32) + "a@example.org"));  // 65
  }
}
