package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Every fenced block of the top-level README, checked by what it is: {@code java} compiled against
 * the test class path and run (a snippet against a MockSmtpServer, a test class through the JUnit
 * engine); {@code sh} run by bash with its {@code herald} commands run in-process against the built-in
 * outbox; {@code hocon} parsed and each profile in it resolved against the schema; a block without a
 * language (a synopsis) held against the command's {@code --help}. A block that cannot run here says so
 * on the line above it, {@code <!-- readme-check: compile … -->} (or {@code parse}), and is still compiled
 * (parsed). A block of another language fails the test, so none goes unchecked.
 */
class ReadmeIT {
  private static final Pattern CHECK = Pattern.compile("<!-- readme-check: (\\w+)");
  private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");

  @TempDir Path tmp;

  record Block(int line, String language, String check, String code) {
    @Override public String toString() { return "README.md:" + line + " (" + (language.isEmpty() ? "synopsis" : language)
        + (check == null ? "" : ", " + check + " only") + ")"; }
  }

  static Path readme() {
    return Path.of(System.getProperty("herald.home", "..")).resolve("README.md");
  }

  static List<Block> blocks() throws IOException {
    List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) continue;
      String check = null;
      if (i > 0) {
        Matcher c = CHECK.matcher(lines.get(i - 1));
        if (c.find()) check = c.group(1);
      }
      StringBuilder code = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).startsWith("```")) code.append(lines.get(j++)).append('\n');
      out.add(new Block(i + 2, open.group(1), check, code.toString()));
      i = j;
    }
    return out;
  }

  @TestFactory Stream<DynamicTest> everyBlockOfTheReadmeWorks() throws IOException {
    List<Block> blocks = blocks();
    assertTrue(blocks.size() >= 5, "the README's blocks: " + blocks);
    return blocks.stream().map(b -> DynamicTest.dynamicTest(b.toString(), () -> check(b)));
  }

  private void check(Block b) throws Exception {
    if (b.check() != null && !List.of("compile", "parse").contains(b.check())) fail(b + ": unknown readme-check " + b.check());
    switch (b.language()) {
      case "java" -> java(b);
      case "sh" -> sh(b);
      case "hocon" -> hocon(b);
      case "" -> synopsis(b);
      default -> fail(b + ": a block of language '" + b.language() + "' that no test checks; teach ReadmeIT to check it");
    }
  }

  // ---- java ----

  private static final Pattern TOP_LEVEL_CLASS = Pattern.compile("(?m)^(?:@\\w+(?:\\([^)]*\\))?.*\\n)*(?:public\\s+|final\\s+)*class\\s+(\\w+)");

  private void java(Block b) throws Exception {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String l : b.code().split("\n", -1)) (l.startsWith("import ") ? imports : body).append(l).append('\n');
    Matcher classes = TOP_LEVEL_CLASS.matcher(body);
    List<String> names = new ArrayList<>();
    while (classes.find()) names.add(classes.group(1));
    if (!names.isEmpty()) {
      ClassLoader loader = compile(b, "", imports + body.toString());
      if (b.check() != null) return;
      // a test class: run it as JUnit would, every test must pass
      for (String name : names) {
        Class<?> c = loader.loadClass(name);
        boolean isTest = Stream.of(c.getDeclaredMethods()).anyMatch(m -> m.isAnnotationPresent(org.junit.jupiter.api.Test.class));
        if (!isTest) continue;
        Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().testEvents();
        events.failed().stream().forEach(e -> fail(b + ": " + name + " failed: "
            + e.getPayload(org.junit.platform.engine.TestExecutionResult.class).flatMap(r -> r.getThrowable()).orElse(null)));
        assertTrue(events.succeeded().count() > 0, b + ": no test of " + name + " ran");
      }
      return;
    }
    if (b.check() != null) {
      compile(b, "", imports + wrap(body.toString()));
      return;
    }
    // A snippet aimed at the dev server's port 2525; this test's server took a free port.
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start()) {
      String source = body.toString().replace("port(2525)", "port(" + server.port() + ")");
      assertFalse(source.equals(body.toString()) && body.toString().contains("2525"), b + ": port 2525 not found as port(2525)");
      ClassLoader loader = compile(b, "", imports + wrap(source));
      loader.loadClass("Snippet").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
      assertNotNull(m, b + ": the snippet sent nothing");
    }
  }

  private static String wrap(String statements) {
    return "public class Snippet {\n  public static void main(String[] args) throws Exception {\n" + statements + "\n  }\n}\n";
  }

  /** Compiles one source (named after its public class, or Snippet) and loads its classes. */
  private ClassLoader compile(Block b, String unused, String source) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Assumptions.assumeTrue(javac != null, "needs a JDK (javax.tools) to compile the README's Java");
    Path out = Files.createTempDirectory(tmp, "classes");
    Matcher pub = Pattern.compile("(?m)^public\\s+class\\s+(\\w+)").matcher(source);
    String file = pub.find() ? pub.group(1) : "ReadmeBlock";
    JavaFileObject unit = new SimpleJavaFileObject(java.net.URI.create("string:///" + file + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override public CharSequence getCharContent(boolean ignoreEncodingErrors) { return source; }
    };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(log, fm, diagnostics, List.of("-d", out.toString(), "-classpath",
          System.getProperty("java.class.path"), "-proc:none", "-Xlint:none", "--release", "17"), null, List.of(unit)).call();
      if (!ok) {
        StringBuilder sb = new StringBuilder(b + " does not compile:");
        diagnostics.getDiagnostics().forEach(d -> sb.append("\n  line ").append(d.getLineNumber()).append(": ")
            .append(d.getMessage(null)));
        fail(sb + "\n--- source\n" + source + log);
      }
    }
    return new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
  }

  // ---- sh ----

  /**
   * bash runs the block in a scratch directory. herald (and bin/herald) only record their arguments and
   * stdin, to be run in-process afterwards; git, sudo, ln, mvn and crontab do nothing here (the build
   * is the one running this test); a line that is no command (a crontab entry) is passed over.
   */
  private void sh(Block b) throws Exception {
    Path bash = Path.of("/bin/bash");
    Assumptions.assumeTrue(Files.isExecutable(bash), "needs /bin/bash to run the README's shell blocks");
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path calls = tmp.resolve("calls");
    Files.deleteIfExists(calls);
    String prelude = """
        herald() { { printf 'herald\\0'; printf '%s\\0' "$@"; printf '%s\\0' "$(base64 -w0)"; printf '\\1\\0'; } >> "$HERALD_CALLS"; }
        bin/herald() { herald "$@"; }
        git() { :; }; sudo() { :; }; ln() { :; }; mvn() { :; }; crontab() { :; }
        command_not_found_handle() { return 0; }
        """;
    ProcessBuilder pb = new ProcessBuilder(bash.toString(), b.check() != null ? "-n" : "-e", "-c", prelude + b.code())
        .directory(work.toFile());
    pb.environment().put("HERALD_CALLS", calls.toString());
    pb.environment().put("HOME", work.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), b + ": bash did not finish");
    assertEquals(0, p.exitValue(), b + ": bash failed:\n" + output);
    if (b.check() != null) return;
    List<List<String>> commands = new ArrayList<>();
    if (Files.exists(calls)) {
      List<String> current = null;
      for (String word : new String(Files.readAllBytes(calls), StandardCharsets.UTF_8).split("\0", -1)) {
        if (current == null && word.equals("herald")) current = new ArrayList<>();
        else if (current != null && word.equals("\1")) { commands.add(current); current = null; }
        else if (current != null) current.add(word);
      }
    }
    assertFalse(commands.isEmpty(), b + ": runs no herald command; mark it <!-- readme-check: parse --> if it is not to run");
    // The built-in outbox profile, its directory moved out of the build's way.
    Path outbox = tmp.resolve("outbox");
    Path conf = Files.writeString(tmp.resolve("herald.conf"),
        "herald.profiles.outbox.directory = " + ConfigQuote.of(outbox.toString()) + "\n");
    for (List<String> c : commands) {
      byte[] stdin = Base64.getDecoder().decode(c.get(c.size() - 1));
      String[] args = c.subList(0, c.size() - 1).toArray(String[]::new);
      CliRunner runner = new CliRunner(tmp).env("HERALD_CONFIG", conf.toString());
      if (stdin.length > 0) runner.stdin(stdin); else runner.terminal();
      CliRunner.Result r = runner.run(args);
      assertEquals(0, r.code(), b + ": herald " + String.join(" ", args) + "\n" + r);
    }
    try (Stream<Path> files = Files.list(outbox)) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".eml")), b + ": nothing reached the outbox");
    }
  }

  /** A HOCON string literal. */
  private static final class ConfigQuote {
    static String of(String s) { return com.typesafe.config.ConfigUtil.quoteString(s); }
  }

  // ---- hocon ----

  private void hocon(Block b) {
    Config parsed = ConfigFactory.parseString(b.code(), com.typesafe.config.ConfigParseOptions.defaults()
        .setOriginDescription(b.toString()));
    assertTrue(parsed.hasPath("herald"), b + ": a herald.conf block sets keys under herald");
    if (b.check() != null) return;
    HeraldConfig config = HeraldConfig.of(parsed);
    assertTrue(parsed.hasPath("herald.profiles"), b + ": defines no profile");
    for (String name : parsed.getObject("herald.profiles").keySet()) config.profile(name);   // every key checked
    if (parsed.hasPath("herald.profile")) config.profile(parsed.getString("herald.profile"));
  }

  // ---- a synopsis ----

  private void synopsis(Block b) {
    String[] words = b.code().strip().split("\\s+");
    assertEquals("herald", words[0], b + ": a block without a language is a herald synopsis");
    CliRunner.Result help = new CliRunner(tmp).run(words[1], "--help");
    assertEquals(0, help.code(), help::toString);
    Matcher option = Pattern.compile("(?<![\\w-])(--?[a-z][a-z-]*)").matcher(b.code());
    while (option.find()) {
      assertTrue(Pattern.compile("(?<![\\w-])" + Pattern.quote(option.group(1)) + "(?![\\w-])").matcher(help.out()).find(),
          b + ": " + option.group(1) + " is not an option of herald " + words[1] + ":\n" + help.out());
    }
  }
}
