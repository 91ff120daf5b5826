package dev.herald.mail.cli;

import dev.herald.mail.testkit.MockSmtpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run for the start-up cache that bin/herald makes beside the jar
 * (an AppCDS archive, or from JDK 25 an AOT cache): runs what users run most, in-process, so that the classes
 * they load are archived — {@code send} to the outbox, {@code send} and {@code sendmail} over SMTP
 * (plaintext, and STARTTLS with AUTH) to a MockSmtpServer on 127.0.0.1. Nothing leaves the machine.
 */
public final class Train {
  private Train() {}

  public static void main(String[] args) throws Exception {
    CliContext.system(); // what Main.main loads besides Main.run (StartupRulesIT checks the archive holds it)
    Path dir = Files.createTempDirectory("herald-train");
    try (MockSmtpServer plain = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
         MockSmtpServer tls = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.STARTTLS).user("me", "pw").build().start()) {
      Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
      Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      Path conf = Files.writeString(dir.resolve("herald.conf"), "herald.profiles {\n"
          + "  plain { transport = smtp, host = \"127.0.0.1\", port = " + plain.port() + ", tls = none,"
          + " local-name = localhost, from = \"Train <train@example.com>\" }\n"
          + "  tls { transport = smtp, host = \"127.0.0.1\", port = " + tls.port() + ", tls = starttls,"
          + " tls-trust = \"" + tls.certificateFile() + "\", username = me, password.file = \"" + pw + "\","
          + " local-name = localhost, from = \"train@example.com\" }\n"
          + "  box { transport = file, directory = \"" + dir.resolve("outbox") + "\", from = \"train@example.com\" }\n}\n");
      Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.toString(), "HERALD_CONFIG", conf.toString());
      String body = "The quick brown fox jumps over the lazy dog.\n".repeat(20);
      for (String profile : new String[] {"plain", "tls", "box"}) {
        run(env, body, "send", "--profile", profile, "--to", "Ann <ann@example.com>", "--subject", "training run ü", "-q");
      }
      run(env, "To: a@example.com\nSubject: hi\n\n" + body, "sendmail", "--profile", "plain", "-t", "-oi");
      run(env, "", "--version");
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), sink, sink, env,
        false, CliContext::discoverOnce);
    Thread.setDefaultUncaughtExceptionHandler(new Errors.Uncaught(ctx));
    Warmup.start(ctx, args); // its thread's classes too, as in a real run
    int code = Main.run(ctx, args);
    if (code != 0) System.err.println("herald: training run '" + String.join(" ", args) + "' exited " + code + ": " + sink);
  }
}
