package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Providers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-path scenarios as the CLI sees them: a broken provider, a duplicate name, no transport at all. */
class ProvidersScenariosTest {
  @TempDir Path home;

  private record Run(int code, String out, String err) { }

  private Run run(Supplier<Providers> providers, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), out, err,
        Map.of("XDG_CONFIG_HOME", home.toString()), true, providers);
    int code = Main.run(ctx, args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String[] sendToOutbox() {
    return new String[] {"send", "--set", "directory=" + home.resolve("outbox"), "--to", "a@example.com", "--subject", "s", "--text", "t"};
  }

  @Test void aBrokenProviderIsAWarningAndTheRestWorks() {
    Providers found = CliContext.discoverOnce();
    List<String> problems = new ArrayList<>(found.problems());
    problems.add("skipped a TransportFactory that failed to load: com.example.Broken: Provider not found");
    Providers withProblem = new Providers(found.transports(), found.credentialSources(), found.advisors(), problems);
    Run r = run(() -> withProblem, sendToOutbox());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("herald: warning: skipped a TransportFactory that failed to load: com.example.Broken"), r::toString);
  }

  @Test void aDuplicateNameIsAConfigError() {
    Run r = run(() -> { throw new InvalidConfigException("two transports are named 'smtp': a.Smtp and b.Smtp; remove one of the jars"); },
        sendToOutbox());
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().startsWith("herald: two transports are named 'smtp'"), r::toString);
  }

  @Test void noTransportNamesWhatToAdd() {
    Providers found = CliContext.discoverOnce();
    Providers none = new Providers(Map.of(), found.credentialSources(), List.of(), List.of());
    Run r = run(() -> none, sendToOutbox());
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().contains("unknown transport 'file'"), r::toString);
  }

  @Test void commandsThatNeedNoTransportDoNotLookForOne() {
    Run r = run(() -> { throw new AssertionError("providers were discovered"); }, "profiles");
    assertEquals(0, r.code(), r::toString);
  }
}
