package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/herald on a fresh clone with only JDK 17 to be found (no JDK 25 under HERALD_JDK_DIRS): it builds
 * the command first, runs it, makes the class-data archive, and builds again after a source is edited,
 * and only then. The build is a stand-in {@code mvn} on the PATH that logs its arguments and puts the jar
 * Maven made for this test run in place (a real build of the reactor would take minutes here).
 */
class LauncherBuildIT {
  @TempDir Path root;
  @TempDir Path tools;
  @TempDir Path noJdks;

  private record Run(int code, String out) {}

  private Run herald(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(root.resolve("bin/herald").toString()), Stream.of(args)).toList())
        .directory(tools.toFile()).redirectErrorStream(true); // from another directory, as users run it
    pb.environment().put("PATH", tools + ":" + System.getenv("PATH"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("HERALD_JDK_DIRS", noJdks.toString());
    for (String k : List.of("HERALD_NO_BUILD", "HERALD_NO_CDS", "HERALD_JAVA_OPTS", "HERALD_JAVA_HOME")) pb.environment().remove(k);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: herald " + String.join(" ", args));
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private List<String> builds() throws Exception {
    Path log = tools.resolve("mvn.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test void aFreshCloneBuildsRunsAndRebuildsAfterAnEdit() throws Exception {
    Path home = Path.of(System.getProperty("herald.home", "..")).toAbsolutePath().normalize();
    Path built = Path.of(System.getProperty("herald.jar", "target/herald.jar")).toAbsolutePath();
    // The clone: the launcher, the poms and mail-cli's sources; no target directory.
    Files.createDirectories(root.resolve("bin"));
    Files.copy(home.resolve("bin/herald"), root.resolve("bin/herald"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(home.resolve("pom.xml"), root.resolve("pom.xml"));
    Files.createDirectories(root.resolve("mail-cli"));
    Files.copy(home.resolve("mail-cli/pom.xml"), root.resolve("mail-cli/pom.xml"));
    Path src = home.resolve("mail-cli/src/main");
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path to = root.resolve("mail-cli/src/main").resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(to); else Files.copy(p, to);
      }
    }
    // Sources older than now, as a clone's are after a while; the build's output is newer.
    try (Stream<Path> s = Files.walk(root.resolve("mail-cli/src"))) {
      for (Path p : s.toList()) Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
    }
    Path mvn = tools.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\n"
        + "echo \"$PWD $*\" >>'" + tools.resolve("mvn.log") + "'\n"
        + "mkdir -p mail-cli/target/lib\n"
        + "cp '" + built + "' mail-cli/target/herald.jar\n"
        + "cp '" + built.resolveSibling("lib") + "'/*.jar mail-cli/target/lib/\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));

    Run first = herald("--version");
    assertEquals(0, first.code(), first.out());
    assertTrue(first.out().contains("herald: building the command line"), first.out());
    assertTrue(first.out().contains("Java 17"), "only JDK 17 to be found: " + first.out());
    assertEquals(List.of(root + " -q -B -pl mail-cli -am package -DskipTests"), builds(), "built once, in the checkout");
    assertTrue(Files.isRegularFile(root.resolve("mail-cli/target/herald.jsa")), "the class-data archive is made");

    Run again = herald("--version");
    assertEquals(0, again.code(), again.out());
    assertEquals(1, builds().size(), "nothing edited, nothing built: " + again.out());

    // An edit of a main source: built again before it runs.
    Files.writeString(root.resolve("mail-cli/src/main/java/dev/herald/mail/cli/Main.java"), "// edited\n",
        java.nio.file.StandardOpenOption.APPEND);
    Run edited = herald("--version");
    assertEquals(0, edited.code(), edited.out());
    assertEquals(2, builds().size(), "rebuilt after the edit: " + edited.out());
    assertTrue(edited.out().contains("herald 0") || edited.out().contains("herald "), edited.out());
  }
}
