package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald dev-server} receives what {@code herald send} sends, prints it and saves it. */
class DevServerCommandTest {
  @TempDir Path home;

  @Test void printsAndSavesEachMessage() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(),
        Map.of("XDG_CONFIG_HOME", home.toString()), true, CliContext::discoverOnce);
    Path inbox = home.resolve("inbox");
    CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> Main.run(ctx, "dev-server", "--port", "0",
        "--count", "1", "--auth", "dev:devpw", "--save", inbox.toString()));
    Matcher m = awaitOutput(out, Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)"));
    Files.writeString(home.resolve("dev.pw"), "devpw\n");
    Files.setPosixFilePermissions(home.resolve("dev.pw"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    CliRunner.Result sent = new CliRunner(home).terminal().run("send", "--set", "herald.profiles.dev.transport=smtp",
        "--profile", "dev", "--set", "host=127.0.0.1", "--set", "port=" + m.group(1), "--set", "tls=none",
        "--set", "username=dev", "--set", "password.file=" + home.resolve("dev.pw"), "--set", "from=me@example.org",
        "--to", "you@example.net", "--subject", "from the dev server test", "--text", "hello dev");
    assertEquals(0, sent.code(), sent::toString);
    assertEquals(0, server.get(10, TimeUnit.SECONDS));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(Pattern.compile("received <[^>]+@example\\.org> from me@example\\.org to you@example\\.net \\(\\d+ bytes,"
        + " tls=false, auth=dev\\)").matcher(printed).find(), printed);
    try (var saved = Files.list(inbox)) {
      Path eml = saved.filter(p -> p.toString().endsWith(".eml")).findFirst().orElseThrow();
      assertTrue(Files.readString(eml).contains("hello dev"));
    }
  }

  @Test void servesTheWebInbox() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(),
        Map.of("XDG_CONFIG_HOME", home.toString()), true, CliContext::discoverOnce);
    CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> Main.run(ctx, "dev-server", "--port", "0",
        "--ui", "0", "--max-messages", "10", "--count", "2"));
    Pattern ready = Pattern.compile("(?s)listening on 127\\.0\\.0\\.1:(\\d+).*web inbox: (http://127\\.0\\.0\\.1:\\d+/) \\(keeps the last 10 messages\\)");
    Matcher m = awaitOutput(out, ready);
    String port = m.group(1);
    java.net.URI ui = java.net.URI.create(m.group(2));
    for (String subject : List.of("seen in the web inbox", "second")) {
      CliRunner.Result sent = new CliRunner(home).terminal().run("send", "--set", "herald.profiles.dev.transport=smtp",
          "--profile", "dev", "--set", "host=127.0.0.1", "--set", "port=" + port, "--set", "tls=none", "--set", "from=me@example.org",
          "--to", "you@example.net", "--subject", subject, "--text", "hello web");
      assertEquals(0, sent.code(), sent::toString);
      if (subject.equals("second")) break;
      var http = java.net.http.HttpClient.newHttpClient();
      String list = http.send(java.net.http.HttpRequest.newBuilder(ui.resolve("api/v1/messages")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(list.startsWith("{\"total\":1,") && list.contains("\"Subject\":\"seen in the web inbox\""), list);
      assertTrue(http.send(java.net.http.HttpRequest.newBuilder(ui).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
          .body().contains("<title>Herald inbox</title>"));
    }
    assertEquals(0, server.get(10, TimeUnit.SECONDS));
  }

  @Test void aBusyPortOrABadAddressSaysSo() throws Exception {
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliRunner.Result r = new CliRunner(home).run("dev-server", "--port", "0", "--ui", String.valueOf(busy.getLocalPort()));
      assertEquals(74, r.code(), r::toString);
      assertTrue(r.err().contains("cannot serve the web inbox on 127.0.0.1:" + busy.getLocalPort()) && r.err().contains("--ui PORT"), r::toString);
    }
    java.nio.file.Files.writeString(home.resolve("a-file"), "x");
    CliRunner.Result save = new CliRunner(home).run("dev-server", "--port", "0", "--save", home.resolve("a-file").resolve("inbox").toString());
    assertEquals(74, save.code(), save::toString);
    assertTrue(save.err().contains("cannot use " + home.resolve("a-file").resolve("inbox") + " for messages (Not a directory);"), save::toString);
    assertFalse(save.err().contains("\tat "), "no stack trace without --verbose");
    CliRunner.Result bad = new CliRunner(home).run("dev-server", "--listen", "localhost");
    assertEquals(64, bad.code(), bad::toString);
    assertTrue(bad.err().contains("--listen expects an IP address"), bad::toString);
  }

  /** Waits up to 10 s for the server to print what {@code expected} finds. */
  private static Matcher awaitOutput(ByteArrayOutputStream out, Pattern expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Matcher m;
    while (!(m = expected.matcher(out.toString(StandardCharsets.UTF_8))).find()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not printed: " + expected + "\n" + out);
      Thread.sleep(20);
    }
    return m;
  }

  @Test void badAuthArgumentIs64() {
    assertEquals(64, new CliRunner(home).run("dev-server", "--auth", "nocolon").code());
  }

  /** Starts {@code herald dev-server ARGS} in the background and returns what it printed once it listens. */
  private static String startDevServer(ByteArrayOutputStream out, Path home, CompletableFuture<Integer>[] server, String... args)
      throws InterruptedException {
    CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(),
        Map.of("XDG_CONFIG_HOME", home.toString()), true, CliContext::discoverOnce);
    String[] all = new String[args.length + 1];
    all[0] = "dev-server";
    System.arraycopy(args, 0, all, 1, args.length);
    server[0] = CompletableFuture.supplyAsync(() -> Main.run(ctx, all));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!out.toString(StandardCharsets.UTF_8).contains("\ntry: ")) {
      if (System.nanoTime() > deadline || server[0].isDone()) throw new AssertionError("no try: line: " + out);
      Thread.sleep(20);
    }
    Thread.sleep(50);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String line(String printed, String prefix) {
    return printed.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(printed))
        .substring(prefix.length());
  }

  @Test void thePrintedCommandAndProfileSendAsPasted() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    @SuppressWarnings("unchecked") CompletableFuture<Integer>[] server = new CompletableFuture[1];
    // a password with a quote and a space: the printed command must survive a shell
    String printed = startDevServer(out, home, server, "--port", "0", "--count", "2", "--tls", "--auth", "me:it's secret");
    String tryLine = line(printed, "try: ");
    CliRunner.Result pasted = new CliRunner(home).terminal().run(dev.herald.mail.cli.testing.Shell.heraldCommand(tryLine));
    assertEquals(0, pasted.code(), pasted::toString);
    assertTrue(pasted.out().startsWith("sent <"), pasted::toString);

    Path conf = Files.writeString(home.resolve("herald.conf"), line(printed, "profile: ") + "\n");
    CliRunner.Result fromFile = new CliRunner(home).terminal().run("send", "--config", conf.toString(), "--profile", "dev",
        "--to", "you@example.net", "--subject", "from the printed profile", "--text", "hi");
    assertEquals(0, fromFile.code(), fromFile::toString);
    assertEquals(0, server[0].get(10, TimeUnit.SECONDS));
    String all = out.toString(StandardCharsets.UTF_8);
    assertEquals(2, Pattern.compile("received <[^>]+> from dev@localhost to you@example\\.net \\(\\d+ bytes, tls=true, auth=me\\)")
        .matcher(all).results().count(), all);
  }

  @Test void theHelpsExamplePastedSendsToAPlainServer() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    @SuppressWarnings("unchecked") CompletableFuture<Integer>[] server = new CompletableFuture[1];
    String printed = startDevServer(out, home, server, "--port", "0", "--count", "1");
    String port = line(printed, "herald dev-server listening on 127.0.0.1:").replaceFirst(" .*", "");
    CliRunner.Result help = new CliRunner(home).run("dev-server", "--help");
    String text = help.out();
    // the example: from "  herald send" to the end of the help; it is for --port 2525, this test's server took a free port
    String example = text.substring(text.indexOf("  herald send")).replace("port = 2525", "port = " + port);
    assertTrue(example.contains("from = "), example);
    CliRunner.Result r = new CliRunner(home).terminal().run(dev.herald.mail.cli.testing.Shell.heraldCommand(example));
    assertEquals(0, r.code(), r::toString);
    assertEquals(0, server[0].get(10, TimeUnit.SECONDS));
  }
}
