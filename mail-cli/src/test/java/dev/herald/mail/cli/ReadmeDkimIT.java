package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.testing.Dkimpy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's DKIM section works as printed (with {@code ~/.config/herald/} standing for a temporary
 * directory): its keygen command, then its profile block, sign a message that dkimpy verifies
 * against the record keygen printed.
 */
class ReadmeDkimIT {
  @TempDir Path home;

  @Test void readmeKeygenAndProfileBlockSignWhatTheySend() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String section = readme.substring(readme.indexOf("## DKIM signing"));
    section = section.substring(0, section.indexOf("\n## ", 10));
    String dir = home.toString() + "/";
    String keygen = block(section, "sh").lines().filter(l -> l.startsWith("herald dkim keygen")).findFirst().orElseThrow();
    // The block's dkim part, as printed; the profile around it sends to the outbox instead of a real server.
    String dkim = com.typesafe.config.ConfigFactory.parseString(block(section, "hocon").replace("~/.config/herald/", dir))
        .getValue("herald.profiles.relay.dkim").render(com.typesafe.config.ConfigRenderOptions.concise());
    String[] args = Arrays.stream(keygen.replace("~/.config/herald/", dir).split(" ")).skip(1).toArray(String[]::new);

    CliRunner cli = new CliRunner(home).terminal();
    Result gen = cli.run(args);
    assertEquals(0, gen.code(), gen::toString);
    Matcher printed = Pattern.compile("It prints `([^`]*)`").matcher(section);
    assertTrue(printed.find());
    String shape = printed.group(1);
    assertTrue(gen.out().startsWith(shape.substring(0, shape.indexOf("p=") + 6)), gen.out() + " vs " + shape);

    Path conf = Files.writeString(home.resolve("herald.conf"), "herald.profile = relay\nherald.profiles.relay {"
        + " transport = file, directory = \"" + home.resolve("outbox") + "\", from = \"me@example.org\", dkim = " + dkim + " }\n");
    Result sent = cli.run("send", "--config", conf.toString(), "--to", "bob@example.net", "--subject", "hi", "--text", "hello");
    assertEquals(0, sent.code(), sent::toString);
    Dkimpy.assumeAvailable();
    Path eml;
    try (Stream<Path> files = Files.list(home.resolve("outbox"))) {
      eml = files.findFirst().orElseThrow();
    }
    String txt = String.join("", Pattern.compile("\"([^\"]*)\"").matcher(gen.out()).results().map(r -> r.group(1)).toList());
    Dkimpy.Verdict v = Dkimpy.verify(Files.readAllBytes(eml), Map.of("s2026._domainkey.example.org", txt));
    assertTrue(v.pass(), v.output());
    String check = cli.run("check", "--config", conf.toString()).out();
    assertTrue(Pattern.compile("(?m)^dkim: +d=example\\.org s=s2026 a=rsa-sha256 c=relaxed/relaxed; key readable \\(file:")
        .matcher(check).find(), check);
  }

  private static String block(String text, String lang) {
    int start = text.indexOf("```" + lang + "\n");
    assertTrue(start >= 0, "a ```" + lang + " block");
    start += lang.length() + 4;
    return text.substring(start, text.indexOf("```", start));
  }

}
