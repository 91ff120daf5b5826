package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up rules of {@code herald send}, checked on the class-loading log of the launcher's real
 * process ({@code bin/herald} with {@code -Xlog:class+load}), once per JDK it may run on: what a plain
 * send must not load, no invokedynamic on the main thread before the warm-up thread is on its way, and
 * every Herald class of the path in the launcher's archive or cache (the training run covers it).
 * See mail-cli/README.md, "Start-up", for why each rule pays.
 */
class StartupRulesIT {
  /** Packages a plain send has no use for, and why. */
  static final Map<String, String> NOT_ON_THE_SEND_PATH = Map.of(
      "com.google.", "Guice/Guava: the CLI wires the MailerFactory by hand",
      "java.sql.", "picocli's java.sql converters (picocli.converters.excludes)",
      "java.time.format.", "picocli's java.time converters (picocli.converters.excludes)",
      "jakarta.mail.", "jakarta.mail: only for messages the direct renderer cannot write",
      "org.jsoup.", "jsoup: only to derive a text part from --html",
      "com.fasterxml.", "Jackson: only for OAuth2 token responses");
  /** The main thread's hidden classes and invokedynamic bootstraps (a lambda, a string concatenation). */
  static final Pattern INDY = Pattern.compile("\\$\\$Lambda|LambdaMetafactory|StringConcatFactory|LambdaForm\\$[A-Z]+/");
  /** Classes loaded by a JDK 17 send: 1707 on 2026-12-04 (2606 before, with the Guice injector: 526 of them Guice/Guava). */
  static final int CLASSES_JDK17 = 1900;

  @TempDir Path tmp;
  @TempDir Path noJdks;
  MockSmtpServer server;
  Path conf;

  @BeforeEach void start() throws Exception {
    server = MockSmtpServer.builder().tls(TlsMode.NONE).build().start();
    conf = Files.writeString(tmp.resolve("herald.conf"), "herald.profile = mock\nherald.profiles.mock { transport = smtp,"
        + " host = \"127.0.0.1\", port = " + server.port() + ", tls = none, local-name = localhost, from = \"me@example.org\" }\n");
  }

  @AfterEach void stop() { server.close(); }

  /** The JDKs the launcher may pick: the one running the tests (17), and one of 25 or later when installed. */
  static Stream<String> jdks() throws Exception {
    List<String> homes = new ArrayList<>(List.of(System.getProperty("java.home")));
    LauncherArchiveIT.jdk25().ifPresent(h -> homes.add(h.toString()));
    return homes.stream();
  }

  record Loaded(String thread, String name, String source) {}

  private static boolean extendsPicocli(Class<?> c) {
    if (c == null) return false;
    if (c.getName().startsWith("picocli.")) return true;
    for (Class<?> i : c.getInterfaces()) if (extendsPicocli(i)) return true;
    return extendsPicocli(c.getSuperclass());
  }

  @ParameterizedTest @MethodSource("jdks")
  void aPlainSendLoadsOnlyWhatItNeeds(String javaHome) throws Exception {
    Path home = Path.of(System.getProperty("herald.home", "..")).toAbsolutePath().normalize();
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/herald").toString(), "send", "--to", "bob@example.net",
        "--subject", "start-up", "-q").directory(tmp.toFile());
    pb.environment().put("HERALD_CONFIG", conf.toString());
    pb.environment().put("XDG_CONFIG_HOME", tmp.toString());
    pb.environment().put("HERALD_NO_BUILD", "1");
    pb.environment().put("HERALD_JAVA_HOME", javaHome);
    pb.environment().put("HERALD_JAVA_OPTS", "-Xlog:class+load:stdout:tid"); // -q: nothing else on stdout
    pb.environment().remove("HERALD_PROFILE");
    pb.environment().remove("HERALD_NO_CDS");
    pb.redirectError(tmp.resolve("err.txt").toFile());
    Process p = pb.start();
    p.getOutputStream().write("body\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "herald send finished");
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err.txt")));
    assertTrue(server.takeMessage(Duration.ofSeconds(5)) != null);

    List<Loaded> loaded = new ArrayList<>();
    Matcher m = Pattern.compile("^\\[(\\d+)\\] (\\S+) source: (.*)$", Pattern.MULTILINE).matcher(log);
    while (m.find()) loaded.add(new Loaded(m.group(1), m.group(2), m.group(3)));
    String mainThread = loaded.stream().filter(l -> l.name().equals("dev.herald.mail.cli.Main")).findFirst()
        .orElseThrow(() -> new AssertionError("no class-loading log: " + log.lines().limit(5).toList())).thread();

    // An AOT cache (JDK 25+) loads every class it holds as the JVM starts, used or not: what a send loads
    // shows on the JDKs that map a class-data archive, where classes load on first use.
    boolean aot = Files.exists(home.resolve("mail-cli/target/herald.aot")) && !javaHome.equals(System.getProperty("java.home"));
    if (!aot) {
      List<String> unwanted = new ArrayList<>();
      for (Loaded l : loaded) {
        NOT_ON_THE_SEND_PATH.forEach((prefix, why) -> { if (l.name().startsWith(prefix)) unwanted.add(l.name() + " (" + why + ")"); });
      }
      assertEquals(List.of(), unwanted, "loaded by a plain send");
      assertTrue(loaded.size() <= CLASSES_JDK17, loaded.size() + " classes loaded, budget " + CLASSES_JDK17
          + ": what does a plain send load now that it did not?");
    }

    // From Main on (the JVM's own start-up loads some of these classes before it) to the warm-up thread.
    List<String> early = new ArrayList<>();
    boolean inMain = false;
    for (Loaded l : loaded) {
      if (l.name().equals("dev.herald.mail.cli.Warmup$1")) break;
      inMain |= l.name().equals("dev.herald.mail.cli.Main");
      if (inMain && l.thread().equals(mainThread) && INDY.matcher(l.name()).find()) early.add(l.name());
    }
    assertEquals(List.of(), early, "invokedynamic linked on the main thread before the warm-up thread starts (use a class)");

    List<String> outside = new ArrayList<>();
    for (Loaded l : loaded) {
      if (!l.name().startsWith("dev.herald.") || l.name().contains("$$Lambda") || l.source().startsWith("shared objects file")) continue;
      // JDK 25 links a cache's classes ahead, which it cannot do for picocli's Java 5 class files, nor so for
      // classes implementing picocli's interfaces: it leaves those out (a warning when the cache is made).
      if (aot && extendsPicocli(Class.forName(l.name(), false, getClass().getClassLoader()))) continue;
      outside.add(l.name());
    }
    assertEquals(List.of(), outside, "Herald classes of the send path missing from the archive/cache (see Train)");
  }
}
