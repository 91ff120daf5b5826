package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/herald's class-data archive, in a copy of the checkout's layout (bin/herald, mail-cli/target):
 * made on first use, mapped afterwards, and made again when a jar's time stamp differs from the one it
 * was made with, older as well as newer (the JVM refuses the archive then, and runs without any).
 */
class LauncherArchiveIT {
  @TempDir Path root;

  private String run(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(root.resolve("bin/herald").toString()), Stream.of(args)).toList())
        .directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("HERALD_NO_BUILD", "1"); // a copy without sources: nothing to build
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("HERALD_JAVA_OPTS");
    pb.environment().remove("HERALD_NO_CDS");
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: herald " + String.join(" ", args));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private String runWithArchiveRequired() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/herald").toString(), "--version")
        .directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("HERALD_NO_BUILD", "1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("HERALD_JAVA_OPTS", "-Xshare:on"); // fails unless the archive is mapped
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "the archive must map: " + out);
    return out;
  }

  @Test void theArchiveFollowsTheJarsTimeStampsBothWays() throws Exception {
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
    Path jsa = target.resolveSibling("herald.jsa");

    assertTrue(run("--version").contains("herald "));
    assertTrue(Files.isRegularFile(jsa), "made on first use");
    runWithArchiveRequired();
    FileTime made = Files.getLastModifiedTime(jsa);

    // A jar replaced by a copy that kept an older time stamp (as Maven's copy of a dependency does).
    Path lib = target.resolve(libs.get(0).getFileName());
    Files.setLastModifiedTime(lib, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    run("--version");
    assertTrue(Files.getLastModifiedTime(jsa).compareTo(made) > 0, "made again for the older jar");
    runWithArchiveRequired();
  }
}
