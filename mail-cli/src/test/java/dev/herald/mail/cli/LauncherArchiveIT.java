package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/herald's start-up cache, in a copy of the checkout's layout (bin/herald, mail-cli/target): with
 * only JDK 17 to be found, a class-data archive (herald.jsa); with a JDK 25 beside it, an AOT cache
 * (herald.aot). Made on first use, mapped afterwards, and made again when a jar's time stamp differs from
 * the one it was made with, older as well as newer (the JVM refuses it then, and runs without any).
 */
class LauncherArchiveIT {
  @TempDir Path root;
  @TempDir Path noJdks; // HERALD_JDK_DIRS with nothing in it: the launcher finds no newer JDK

  /** A JDK of feature version 25 or later, where the launcher looks by default; empty when there is none. */
  static Optional<Path> jdk25() throws Exception {
    Path dir = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(dir)) return Optional.empty();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path home : s.sorted().toList()) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isReadable(release)) continue;
        for (String line : Files.readAllLines(release)) {
          if (!line.startsWith("JAVA_VERSION=\"")) continue;
          String v = line.substring("JAVA_VERSION=\"".length()).replaceAll("[^0-9].*", "");
          if (!v.isEmpty() && Integer.parseInt(v) >= 25) return Optional.of(home);
        }
      }
    }
    return Optional.empty();
  }

  private String run(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(root.resolve("bin/herald").toString()), Stream.of(args)).toList())
        .directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("HERALD_NO_BUILD", "1"); // a copy without sources: nothing to build
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("HERALD_JAVA_OPTS");
    pb.environment().remove("HERALD_NO_CDS");
    pb.environment().remove("HERALD_JAVA_HOME");
    pb.environment().remove("HERALD_JDK_DIRS");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: herald " + String.join(" ", args));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private List<Path> copyCheckout() throws Exception {
    Path home = Path.of(System.getProperty("herald.home", "..")).toAbsolutePath().normalize();
    Path built = Path.of(System.getProperty("herald.jar", "target/herald.jar")).toAbsolutePath();
    Files.createDirectories(root.resolve("bin"));
    Files.copy(home.resolve("bin/herald"), root.resolve("bin/herald"), StandardCopyOption.COPY_ATTRIBUTES);
    Path target = Files.createDirectories(root.resolve("mail-cli/target/lib"));
    Files.copy(built, target.resolveSibling("herald.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    List<Path> libs;
    try (Stream<Path> s = Files.list(built.resolveSibling("lib"))) {
      libs = s.filter(p -> p.toString().endsWith(".jar")).toList();
    }
    for (Path lib : libs) Files.copy(lib, target.resolve(lib.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
    return libs.stream().map(l -> target.resolve(l.getFileName())).toList();
  }

  /** Checks that the archive or cache follows the jars' time stamps, and that a run maps it. */
  private void followsTheJars(Map<String, String> env, Path cache, String requireMapped) throws Exception {
    List<Path> libs = copyCheckout();
    assertTrue(run(env, "--version").contains("herald "));
    assertTrue(Files.isRegularFile(cache), "made on first use: " + cache);
    runWithCacheRequired(env, requireMapped);
    FileTime made = Files.getLastModifiedTime(cache);

    // A jar replaced by a copy that kept an older time stamp (as Maven's copy of a dependency does).
    Files.setLastModifiedTime(libs.get(0), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    run(env, "--version");
    assertTrue(Files.getLastModifiedTime(cache).compareTo(made) > 0, "made again for the older jar");
    runWithCacheRequired(env, requireMapped);
  }

  private void runWithCacheRequired(Map<String, String> env, String option) throws Exception {
    Map<String, String> strict = new HashMap<>(env);
    strict.put("HERALD_JAVA_OPTS", option); // the JVM exits unless the archive or cache is mapped
    String out = run(strict, "--version");
    assertTrue(out.contains("herald "), out);
  }

  @Test void aHeraldJavaHomeWithoutJavaIsAConfigErrorOfOneLine() throws Exception {
    copyCheckout();
    ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/herald").toString(), "--version").redirectErrorStream(true);
    pb.environment().put("HERALD_NO_BUILD", "1");
    pb.environment().put("HERALD_JAVA_HOME", noJdks.toString());
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(78, p.exitValue(), out);
    assertEquals("herald: HERALD_JAVA_HOME=" + noJdks + " has no bin/java; set it to a JDK's home, or unset it to let herald"
        + " find one\n", out);
  }

  @Test void withOnlyJdk17TheClassDataArchiveFollowsTheJarsBothWays() throws Exception {
    Map<String, String> env = Map.of("HERALD_JDK_DIRS", noJdks.toString());
    followsTheJars(env, root.resolve("mail-cli/target/herald.jsa"), "-Xshare:on");
    assertFalse(Files.exists(root.resolve("mail-cli/target/herald.aot")), "no AOT cache from JDK 17");
    assertTrue(run(env, "--version").contains("Java 17"), "runs on the JDK of JAVA_HOME");
  }

  @Test void withJdk25BesideTheAotCacheFollowsTheJarsBothWays() throws Exception {
    Optional<Path> jdk = jdk25();
    Assumptions.assumeTrue(jdk.isPresent(), "no JDK 25 or later under /usr/lib/jvm (not a Debian package here)");
    Map<String, String> env = Map.of(); // JAVA_HOME is JDK 17: the newer one found is preferred
    followsTheJars(env, root.resolve("mail-cli/target/herald.aot"), "-XX:AOTMode=on");
    assertFalse(Files.exists(root.resolve("mail-cli/target/herald.jsa")), "no class-data archive beside the cache");
    String version = run(env, "--version");
    assertTrue(version.matches("(?s).*Java (2[5-9]|[3-9][0-9])\\..*"), "runs on the newest JDK found: " + version);

    // Another JDK (here: HERALD_JAVA_HOME back to 17) makes its own archive; going back to 25 keeps its cache usable.
    run(Map.of("HERALD_JAVA_HOME", System.getProperty("java.home")), "--version");
    assertTrue(Files.isRegularFile(root.resolve("mail-cli/target/herald.jsa")));
    runWithCacheRequired(env, "-XX:AOTMode=on");
  }
}
