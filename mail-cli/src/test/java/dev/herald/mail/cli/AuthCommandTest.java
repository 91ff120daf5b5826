package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.oauth2.testing.FakeOAuthServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code herald auth}: the installed-app flow end to end against a fake OAuth server; the test plays the browser. */
class AuthCommandTest {
  @TempDir Path home;

  @Test void storesTheRefreshTokenOfTheProfile() throws Exception {
    try (FakeOAuthServer oauth = FakeOAuthServer.start()) {
      Path token = home.resolve("work.token");
      Path conf = Files.writeString(home.resolve("herald.conf"), "herald.profiles.work { transport = smtp, host = \"127.0.0.1\","
          + " username = \"me@example.com\", auth = [xoauth2], oauth2 = "
          + oauth.oauth2Block("refresh-token.file = \"" + token + "\"") + " }\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), out, err,
          Map.of("XDG_CONFIG_HOME", home.toString()), true, CliContext::discoverOnce);
      CommandLine cl = Main.commandLine(ctx);
      AuthCommand auth = cl.getSubcommands().get("auth").getCommand();
      HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      int[] status = new int[1];
      auth.browser = uri -> {
        try {
          status[0] = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      int code = cl.execute("auth", "--config", conf.toString(), "--profile", "work");
      String printed = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, printed + err);
      assertEquals(200, status[0]);
      assertEquals(FakeOAuthServer.REFRESH_TOKEN + "\n", Files.readString(token));
      assertTrue(printed.contains("open this address in a browser"), printed);
      assertFalse(printed.contains(FakeOAuthServer.REFRESH_TOKEN), "the token is never printed");
      URI.create(printed.lines().filter(l -> l.startsWith("  http")).findFirst().orElseThrow().strip());
    }
  }

  @Test void aProfileWithoutOauth2Is78() {
    CliRunner.Result r = new CliRunner(home).run("auth", "--profile", "outbox");
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().contains("has no oauth2 block"), r::toString);
  }
}
