package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Address;
import dev.herald.mail.Email;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.Priority;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@link SendCommand#toEmail()}: options become builder calls; no network, no config. */
class SendCommandTest {
  @TempDir Path dir;

  private static Email toEmail(String stdin, boolean terminal, String... args) {
    CliContext ctx = new CliContext(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream(), new ByteArrayOutputStream(), Map.of(), terminal, () -> { throw new AssertionError("no providers"); });
    CommandLine cl = Main.commandLine(ctx, "send");
    cl.parseArgs(prepend("send", args));
    SendCommand send = cl.getSubcommands().get("send").getCommand();
    return send.toEmail();
  }

  private static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static List<String> addresses(List<Address> list) { return list.stream().map(Address::address).toList(); }

  @Test void repeatedAndCommaSeparatedAddresses() {
    Email e = toEmail("", true, "--to", "a@example.com, \"Doe, John\" <j@example.com>", "--to", "b@example.com",
        "--cc", "c@example.com", "--bcc", "d@example.com,e@example.com", "--reply-to", "r@example.com",
        "--from", "Me <me@example.org>", "--subject", "s");
    assertEquals(List.of("a@example.com", "j@example.com", "b@example.com"), addresses(e.to()));
    assertEquals("Doe, John", e.to().get(1).displayName());
    assertEquals(List.of("c@example.com"), addresses(e.cc()));
    assertEquals(List.of("d@example.com", "e@example.com"), addresses(e.bcc()));
    assertEquals(List.of("r@example.com"), addresses(e.replyTo()));
    assertEquals("me@example.org", e.from().orElseThrow().address());
  }

  @Test void bodyFromStdinOnlyWhenNotATerminal() {
    assertEquals("piped\n", toEmail("piped\n", false, "--to", "a@example.com", "--subject", "s").text().orElseThrow());
    assertTrue(toEmail("ignored", true, "--to", "a@example.com", "--subject", "s").text().isEmpty());
    assertEquals("given", toEmail("ignored", false, "--to", "a@example.com", "--subject", "s", "--text", "given").text().orElseThrow());
    assertTrue(toEmail("", false, "--to", "a@example.com", "--subject", "s").text().isEmpty(), "empty stdin: no body");
  }

  @Test void filesHeadersInlinePriority() throws Exception {
    Path text = Files.writeString(dir.resolve("t.txt"), "text body");
    Path html = Files.writeString(dir.resolve("h.html"), "<b>html</b>");
    Path png = Files.write(dir.resolve("logo.png"), new byte[] {1, 2, 3});
    Email e = toEmail("", true, "--to", "a@example.com", "--subject", "s", "--text-file", text.toString(),
        "--html-file", html.toString(), "--attach", png.toString(), "--inline", "logo=" + png, "--header", "X-A: 1",
        "--header", "X-B:two words", "--priority", "HIGH");
    assertEquals("text body", e.text().orElseThrow());
    assertEquals("<b>html</b>", e.html().orElseThrow());
    assertEquals(2, e.attachments().size());
    assertEquals("logo", e.attachments().get(1).contentId());
    assertEquals(Map.of("X-A", "1", "X-B", "two words"), e.headers());
    assertEquals(Priority.HIGH, e.priority());
  }

  @Test void invalidInputFailsWithTheRightException() {
    assertThrows(InvalidMessageException.class, () -> toEmail("", true, "--to", "a@example.com", "--subject", "a\nb"));
    assertThrows(InvalidMessageException.class, () -> toEmail("", true, "--to", "a@example.com\r\nBcc: x@y.z", "--subject", "s"));
    assertThrows(InvalidMessageException.class, () -> toEmail("", true, "--to", "a@example.com", "--subject", "s", "--header", "NoColon"));
    assertThrows(InvalidMessageException.class, () -> toEmail("", true, "--to", "a@example.com", "--subject", "s", "--header", "Subject: dup"));
    assertThrows(InputNotFoundException.class, () -> toEmail("", true, "--to", "a@example.com", "--subject", "s", "--attach", dir.resolve("none").toString()));
    assertThrows(UsageException.class, () -> toEmail("", true, "--subject", "s"));
    assertThrows(UsageException.class, () -> toEmail("", true, "--to", "a@example.com", "--subject", "s", "--text", "a", "--text-file", "b"));
    assertThrows(CommandLine.ParameterException.class, () -> toEmail("", true, "--to", "a@example.com", "--subject", "s", "--inline", "nofile"));
    assertThrows(CommandLine.ParameterException.class, () -> toEmail("", true, "--to", "a@example.com", "--subject", "s", "--priority", "urgent"));
  }
}
