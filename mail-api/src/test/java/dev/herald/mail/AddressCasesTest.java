package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The address parser against cases an independent implementation documents. Sources:
 * <ul>
 *   <li>Jodd Mail's {@code EmailAddress} tests (github.com/oblac/jodd,
 *       jodd-mail/src/test/java/jodd/mail/EmailAddressTest.java): testValidEmails, testCommentAsName,
 *       testValidEmails2;</li>
 *   <li>the valid and invalid examples of Wikipedia's "Email address" article (RFC 5322 and RFC 6531
 *       forms, internationalised ones included);</li>
 *   <li>RFC 5321 4.1.3 for address literals.</li>
 * </ul>
 * Where we differ from Jodd it is said at the case.
 */
class AddressCasesTest {

  /** input | expected address() | expected display name. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = " | ", quoteCharacter = '§', value = {
      // Jodd testEmailAddress / testValidEmails
      "igor@jodd.org | igor@jodd.org | (none)",
      "Vladimir <djs@gmail.com> | djs@gmail.com | Vladimir",
      "bob @example.com | bob@example.com | (none)",
      "\"bob\"  @  example.com | bob@example.com | (none)",
      "\"bob\" (hi) @  example.com | bob@example.com | hi",
      "name.surname@example.com | name.surname@example.com | (none)",
      "< devnull @ onyxbits.de > | devnull@onyxbits.de | (none)",
      "<devnull@onyxbits.de> | devnull@onyxbits.de | (none)",
      "Patrick <devnull@onyxbits.de> | devnull@onyxbits.de | Patrick",
      "Patrickdevnull@onyxbits.de | Patrickdevnull@onyxbits.de | (none)",
      "\"Patrick Ahlbrecht\" <devnull@onyxbits.de> | devnull@onyxbits.de | Patrick Ahlbrecht",
      "Patrick Ahlbrecht <devnull@onyxbits.de> | devnull@onyxbits.de | Patrick Ahlbrecht",
      "\"Kayaks.org\" <kayaks@kayaks.org> | kayaks@kayaks.org | Kayaks.org",
      // Jodd rejects this one; RFC 5322 4.1 obs-phrase allows '.' in a display name and parsers must accept it.
      "Kayaks.org <kayaks@kayaks.org> | kayaks@kayaks.org | Kayaks.org",
      "\"[Kayaks]\" <kayaks@kayaks.org> | kayaks@kayaks.org | [Kayaks]",
      // Not RFC 5322 (an unquoted '@' in a display name), but what mail programs write: accepted.
      "bob@example.org <bob@example.org> | bob@example.org | bob@example.org",
      // Jodd testCommentAsName: a comment is the display name when there is no other
      "<bob@example.com> (Bob Smith) | bob@example.com | Bob Smith",
      "\"bob smith\" <bob@example.com> (Bobby) | bob@example.com | bob smith",
      "bob@example.com (Bobby) | bob@example.com | Bobby",
      "bob@example.com (Bob) (Smith) | bob@example.com | Bob",
      "j@example.test (Doe J) | j@example.test | Doe J",
      // Jodd testValidEmails2
      "me@example.com | me@example.com | (none)",
      "a.nonymous@example.com | a.nonymous@example.com | (none)",
      "name+tag@example.com | name+tag@example.com | (none)",
      "me(this is a comment)@example.com | me@example.com | this is a comment",
      "!#$%&'+-/=.?^`{|}~@[1.0.0.127] | !#$%&'+-/=.?^`{|}~@[1.0.0.127] | (none)",
      "!#$%&'+-/=.?^`{|}~@[IPv6:0123:4567:89AB:CDEF:0123:4567:89AB:CDEF] | !#$%&'+-/=.?^`{|}~@[IPv6:0123:4567:89AB:CDEF:0123:4567:89AB:CDEF] | (none)",
      "me.example@com | me.example@com | (none)",
      "309d4696df38ff12c023600e3bc2bd4b@fakedomain.com | 309d4696df38ff12c023600e3bc2bd4b@fakedomain.com | (none)",
      // Wikipedia, valid
      "very.common@example.com | very.common@example.com | (none)",
      "long.email-address-with-hyphens@and.subdomains.example.com | long.email-address-with-hyphens@and.subdomains.example.com | (none)",
      "user.name+tag+sorting@example.com | user.name+tag+sorting@example.com | (none)",
      "name/surname@example.com | name/surname@example.com | (none)",
      "admin@example | admin@example | (none)",
      "\" \"@example.org | \" \"@example.org | (none)",
      "\"john..doe\"@example.org | \"john..doe\"@example.org | (none)",
      "mailhost!username@example.org | mailhost!username@example.org | (none)",
      "user%example.com@example.org | user%example.com@example.org | (none)",
      "user-@example.org | user-@example.org | (none)",
      "postmaster@[123.123.123.123] | postmaster@[123.123.123.123] | (none)",
      "postmaster@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334] | postmaster@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334] | (none)",
      "_test@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334] | _test@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334] | (none)",
      // Wikipedia, internationalised (RFC 6531/6532)
      "Pelé@example.com | Pelé@example.com | (none)",
      "δοκιμή@παράδειγμα.δοκιμή | δοκιμή@παράδειγμα.δοκιμή | (none)",
      "我買@屋企.香港 | 我買@屋企.香港 | (none)",
      "二ノ宮@黒川.日本 | 二ノ宮@黒川.日本 | (none)",
      "медведь@с-балалайкой.рф | медведь@с-балалайкой.рф | (none)",
      // RFC 5321 4.1.3 address literals
      "a@[IPv6:::1] | a@[IPv6:::1] | (none)",
      "a@[IPv6:::ffff:192.0.2.1] | a@[IPv6:::ffff:192.0.2.1] | (none)",
      "a@[IPv6:1:2:3:4:5:6:192.0.2.1] | a@[IPv6:1:2:3:4:5:6:192.0.2.1] | (none)",
      "a@[x-tag:anything-printable] | a@[x-tag:anything-printable] | (none)",
  })
  void accepts(String input, String address, String displayName) {
    Address a = Address.parse(input);
    assertEquals(address, a.address(), input);
    assertEquals(displayName.equals("(none)") ? null : displayName, a.displayName(), input);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      // Jodd testValidEmails / testValidEmails2
      "Patrick devnull@onyxbits.de", "\"Patrick Ahlbrecht\" devnull@onyxbits.de", "[Kayaks] <kayaks@kayaks.org>",
      "NotAnEmail", "me@", "@example.com", ".me@example.com", "me@example..com", "me\\@example.com",
      // Wikipedia, invalid
      "abc.example.com", "a@b@c@example.com", "a@b@c", "a\"b(c)d,e:f;g<h>i[j\\k]l@example.com",
      "just\"not\"right@example.com", "this is\"not\\allowed@example.com", "this\\ still\\\"not\\\\allowed@example.com",
      "1234567890123456789012345678901234567890123456789012345678901234+x@example.com",
      "i.like.underscores@but_they_are_not_allowed_in_this_part",
      // RFC 5321 4.1.3
      "a@[1.2.3]", "a@[256.1.1.1]", "a@[1.2.3.4 ]", "a@[IPv6:1::2::3]", "a@[IPv6:1:2:3:4:5:6:7:8:9]", "a@[IPv6:12345::]",
      "a@[IPv6:1:2:3:4:5:6:7::1.2.3.4]", "a@[IPv6::1]", "a@[tag:with space]", "a@[:x]", "a@[-tag:x]", "a@[]", "a@[1.2.3.4",
      "(unclosed comment a@b.c", "a@b.c (unclosed",
  })
  void rejects(String input) {
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Address.parse(input), input);
    assertTrue(e.getMessage().startsWith("invalid address"), e.getMessage());
  }

  @Test void aSecondAtSaysWhatToDo() {
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Address.parse("a@b@c"));
    assertEquals("invalid address 'a@b@c': more than one '@' (a local part that holds one must be quoted)", e.getMessage());
    assertEquals("\"a@b\"@c", Address.parse("\"a@b\"@c").address(), "quoted, it is an address");
  }

  @Test void listsSplitOutsideQuotesCommentsAndLiterals() {
    List<Address> list = Address.parseList("a@example.org (Doe, J), \"Lee, Ann\" <ann@example.org>, b@[IPv6:1::2]");
    assertEquals(List.of("a@example.org", "ann@example.org", "b@[IPv6:1::2]"), list.stream().map(Address::address).toList());
    assertEquals("Doe, J", list.get(0).displayName());
  }

  /** Issue 14 item 6: a domain literal was checked for its brackets only, and a CRLF inside went into the headers. */
  @ParameterizedTest
  @ValueSource(strings = {"[1.2.3.4]\r\nBcc: evil@attacker.example\r\nX-Y: [z]", "[1.2.3.4]\nBcc: evil@attacker.example\n[z]",
      "[IPv6:::1]\rBcc: evil@attacker.example]", "[x:a\u0000b]", "[1.2.3.4] ]", "[a b]"})
  void everyConstructorRefusesAMalformedDomainLiteral(String domain) {
    assertThrows(InvalidMessageException.class, () -> new Address("Bob", "bob", domain));
    assertThrows(InvalidMessageException.class, () -> new Address(null, "bob", domain));
    Address good = new Address("Bob", "bob", "[1.2.3.4]");
    assertThrows(InvalidMessageException.class, () -> new Address(good.displayName(), good.localPart(), domain));
  }

  @Test void aValidDomainLiteralRendersOnOneLine() throws Exception {
    Email email = Email.builder().from(new Address("Bob", "bob", "[1.2.3.4]")).to(List.of(new Address(null, "x", "[IPv6:::1]")))
        .subject("s").text("t").build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    email.render().writeTo(out);
    String text = out.toString(StandardCharsets.US_ASCII);
    assertTrue(text.contains("\r\nFrom: Bob <bob@[1.2.3.4]>\r\nTo: x@[IPv6:::1]\r\n"), text);
    assertFalse(text.toLowerCase().contains("bcc"), text);
  }
}
