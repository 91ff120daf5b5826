package dev.herald.mail.queue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for the tests, from Debian's {@code postgresql} package (CI installs
 * it: .ci/run): its own data directory and port on loopback, trust authentication, stopped and
 * deleted at the end. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres}
 * user (through {@code runuser}). {@link #start()} is empty, with the reason, when that cannot be done.
 */
final class PostgresCluster implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final List<String> asUser;
  private final Path bin;

  private PostgresCluster(Path dir, int port, List<String> asUser, Path bin) {
    this.dir = dir;
    this.port = port;
    this.asUser = asUser;
    this.bin = bin;
  }

  /** Why the last {@link #start()} came back empty. */
  static String unavailable = "";

  static Optional<PostgresCluster> start() {
    try {
      Path bin;
      try (Stream<Path> s = Files.list(Path.of("/usr/lib/postgresql"))) {
        bin = s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
            .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString()))).orElse(null);
      } catch (IOException | NumberFormatException e) {
        bin = null;
      }
      if (bin == null) {
        unavailable = "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: apt-get install postgresql (.ci/run does)";
        return Optional.empty();
      }
      boolean root = "root".equals(System.getProperty("user.name"));
      List<String> asUser = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
      Path dir = Files.createTempDirectory("herald-pg");
      if (root) run(List.of("chown", "postgres:postgres", dir.toString()), List.of());
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      PostgresCluster pg = new PostgresCluster(dir, port, asUser, bin);
      String out = run(asUser, List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
          "-U", "postgres", "--no-sync", "-E", "UTF8"));
      if (out == null) return Optional.empty();
      out = run(asUser, List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
          "-l", dir.resolve("log").toString(), "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"));
      if (out == null) return Optional.empty();
      return Optional.of(pg);
    } catch (IOException | InterruptedException e) {
      unavailable = "cannot start PostgreSQL: " + e;
      return Optional.empty();
    }
  }

  private static String run(List<String> prefix, List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      unavailable = "cannot start PostgreSQL: " + String.join(" ", cmd) + ": " + out.strip();
      return null;
    }
    return out;
  }

  String url() { return "jdbc:postgresql://127.0.0.1:" + port + "/postgres"; }

  Connection connect() throws SQLException { return DriverManager.getConnection(url(), "postgres", ""); }

  JdbcOutbox outbox(java.time.Duration lease) {
    return JdbcOutbox.open("pg", url(), this::connect, lease, 4);
  }

  @Override public void close() throws Exception {
    run(asUser, List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
