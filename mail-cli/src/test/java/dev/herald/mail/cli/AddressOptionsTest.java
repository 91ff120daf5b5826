package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 "Addresses" and issue 14 item 6, as a user meets them: {@code herald send --dry-run} with the built-in outbox profile. */
class AddressOptionsTest {
  @TempDir Path home;

  private Result dryRun(String to) {
    return new CliRunner(home).terminal().run("send", "--dry-run", "--to", to, "--subject", "s", "--text", "t");
  }

  @Test void aSecondAtIsRefusedWith65() {
    Result r = dryRun("a@b@c");
    assertEquals(65, r.code(), r::toString);
    assertEquals("herald: invalid address 'a@b@c': more than one '@' (a local part that holds one must be quoted)\n", r.err());
    assertEquals("", r.out());
  }

  @Test void aCommentIsAcceptedAndBecomesTheDisplayName() {
    Result r = dryRun("j@example.test (Doe J)");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("\r\nTo: Doe J <j@example.test>\r\n"), r.out());
    assertTrue(r.err().contains(" to <j@example.test>"), r.err());
  }

  @Test void aDomainLiteralIsWrittenOnOneLine() {
    Result r = dryRun("Bob <bob@[192.0.2.1]>");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("\r\nTo: Bob <bob@[192.0.2.1]>\r\n"), r.out());
    Result bad = dryRun("bob@[1.2.3.4\tBcc: evil@attacker.example]");
    assertEquals(65, bad.code(), bad::toString);
    assertFalse(bad.out().contains("Bcc"), bad.out());
  }
}
