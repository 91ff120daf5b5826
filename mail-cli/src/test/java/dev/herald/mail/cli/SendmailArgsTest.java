package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** sendmail's command line, read as sendmail and msmtp read it. */
class SendmailArgsTest {
  private static SendmailArgs parse(String... args) { return SendmailArgs.parse(List.of(args)); }

  @Test void theCommonForms() {
    SendmailArgs a = parse("-t", "-i", "-oi", "-odi", "-oem", "-fme@example.org", "-F", "Me", "x@example.net", "y@example.net");
    assertTrue(a.readRecipients);
    assertEquals("me@example.org", a.envelopeFrom);
    assertEquals("Me", a.fullName);
    assertEquals(List.of("x@example.net", "y@example.net"), a.recipients);
  }

  @Test void valuesAttachedOrSeparate() {
    assertEquals("a@b.example", parse("-f", "a@b.example").envelopeFrom);
    assertEquals("a@b.example", parse("-r", "a@b.example").envelopeFrom);
    assertEquals("", parse("-f", "<>").envelopeFrom);
    assertEquals(List.of("z@example.net"), parse("-N", "never", "-R", "hdrs", "-V", "id", "-B", "8BITMIME", "-X", "log",
        "-C", "cf", "-L", "tag", "-O", "x=y", "-h", "3", "-A", "c", "-Gm", "-U", "-n", "-bm", "z@example.net").recipients);
  }

  @Test void heraldsOwnOptions() {
    SendmailArgs a = parse("--profile", "work", "--config=/x.conf", "--set", "port=25", "--trace", "--verbose", "-a", "other");
    assertEquals("other", a.profile);
    assertEquals("/x.conf", a.config.toString());
    assertEquals(List.of("port=25"), a.sets);
    assertTrue(a.trace && a.stackTraces);
    assertNull(a.envelopeFrom);
  }

  @Test void afterDoubleDashEverythingIsARecipient() {
    assertEquals(List.of("-odd@example.net"), parse("--", "-odd@example.net").recipients);
  }

  @Test void unsupportedModesAndMissingValues() {
    assertThrows(UsageException.class, () -> parse("-bs"));
    assertThrows(UsageException.class, () -> parse("-bp"));
    assertThrows(UsageException.class, () -> parse("-q"));
    assertThrows(UsageException.class, () -> parse("-f"));
    assertThrows(UsageException.class, () -> parse("--nope"));
  }
}
