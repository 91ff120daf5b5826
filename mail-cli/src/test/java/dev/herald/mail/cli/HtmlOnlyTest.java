package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15: {@code --html-file} alone sends a text alternative made from the HTML; {@code --no-text-from-html} and the profile key opt out. */
class HtmlOnlyTest {
  @TempDir Path home;

  private Result dryRun(String... extra) throws Exception {
    Path html = Files.writeString(home.resolve("m.html"), "<h1>Hi</h1><p>See <a href=\"https://example.org/\">our site</a>.</p>");
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("send", "--dry-run", "--to", "a@example.com",
        "--subject", "s", "--html-file", html.toString()));
    args.addAll(java.util.List.of(extra));
    return new CliRunner(home).terminal().run(args.toArray(String[]::new));
  }

  @Test void htmlAloneGetsATextAlternative() throws Exception {
    Result r = dryRun();
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("Content-Type: multipart/alternative"), r.out());
    assertTrue(r.out().contains("\r\n\r\nHi\r\n\r\nSee our site <https://example.org/>.\r\n"), r.out());
  }

  @Test void theFlagAndTheProfileKeyOptOut() throws Exception {
    Result flag = dryRun("--no-text-from-html");
    assertEquals(0, flag.code(), flag::toString);
    assertFalse(flag.out().contains("multipart/alternative"), flag.out());
    assertTrue(flag.out().contains("Content-Type: text/html"), flag.out());
    Result key = dryRun("--set", "text-from-html=false");
    assertEquals(0, key.code(), key::toString);
    assertFalse(key.out().contains("multipart/alternative"), key.out());
  }
}
