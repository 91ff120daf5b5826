package dev.herald.mail.gmail;

import static dev.herald.mail.oauth2.testing.FakeOAuthServer.CLIENT_ID;
import static dev.herald.mail.oauth2.testing.FakeOAuthServer.CLIENT_SECRET;
import static dev.herald.mail.oauth2.testing.FakeOAuthServer.REFRESH_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.Mailer;
import dev.herald.mail.MailerFactory;
import dev.herald.mail.Profile;
import dev.herald.mail.Providers;
import dev.herald.mail.oauth2.InstalledAppFlow;
import dev.herald.mail.oauth2.testing.FakeOAuthServer;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code herald auth --profile work} and then {@code herald send --profile work} do, with
 * mail-api's own config binding and resolver: the gmail preset's consent parameters reach Google,
 * the token lands in the profile's file, and the next send signs in with XOAUTH2.
 */
class HeraldAuthThenSendTest {
  @TempDir Path tmp;
  private FakeOAuthServer google;
  private MockSmtpServer gmail;

  @BeforeEach void start() throws Exception {
    google = FakeOAuthServer.start();
    gmail = MockSmtpServer.builder().gmailLike().token("me@gmail.com", "access-2").build().start();
  }

  @AfterEach void stop() {
    gmail.close();
    google.close();
  }

  @Test void aProfileWithoutAnOAuth2ClientIsToldWhatToAdd() {
    HeraldConfig config = HeraldConfig.of(ConfigFactory.parseString(
        "herald.profiles.personal { preset = gmail, username = \"me@gmail.com\", password.env = X }"));
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.herald.mail.InvalidConfigException.class,
        () -> InstalledAppFlow.authorize(config.profile("personal"), MailerFactory.of(Providers.discover(), config)
            .resolver(w -> { }), System.out, uri -> { }));
    assertTrue(e.getMessage().startsWith("profile 'personal' has no oauth2 client: add oauth2 { client-id"), e.getMessage());
  }

  @Test void authorizeThenSend() throws Exception {
    Path secret = Files.createFile(tmp.resolve("client-secret"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(secret, CLIENT_SECRET + "\n");
    Path tokenFile = tmp.resolve("herald").resolve("work.token");
    HeraldConfig config = HeraldConfig.of(ConfigFactory.parseString("herald.profiles.work {\n"
        + "  preset = gmail\n"
        + "  host = \"" + gmail.host() + "\", port = " + gmail.port() + ", tls-trust = \"" + gmail.certificateFile() + "\"\n"
        + "  username = \"me@gmail.com\"\n"
        + "  from = \"Me <me@gmail.com>\"\n"
        + "  oauth2 {\n"
        + "    client-id = \"" + CLIENT_ID + "\"\n"
        + "    client-secret.file = \"" + secret + "\"\n"
        + "    refresh-token.file = \"" + tokenFile + "\"\n"
        + "    token-uri = \"" + google.tokenUri() + "\"\n"
        + "    auth-uri = \"" + google.authUri() + "\"\n"
        + "  }\n"
        + "}\n"));
    MailerFactory factory = MailerFactory.of(Providers.discover(), config);
    List<String> warnings = new ArrayList<>();

    // herald auth --profile work
    Profile work = config.profile("work");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    Path written = InstalledAppFlow.authorize(work, factory.resolver(warnings::add), new PrintStream(printed, true, StandardCharsets.UTF_8), uri -> {
          try {
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    assertEquals(tokenFile, written);
    assertEquals(REFRESH_TOKEN + "\n", Files.readString(tokenFile));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
    Map<String, String> consent = google.consentRequests().get(0);
    assertEquals("https://mail.google.com/", consent.get("scope"));
    assertEquals("offline", consent.get("access_type"), "from the gmail preset");
    assertEquals("consent", consent.get("prompt"), "from the gmail preset");

    // herald send --profile work: the stored refresh token buys access-2, which Gmail takes.
    try (Mailer mailer = factory.create("work", TraceListener.NONE, warnings::add)) {
      mailer.send(Email.builder().to("friend@example.net").subject("Authorized").text("Hi").build());
    }
    RecordedMessage m = gmail.takeMessage(Duration.ofSeconds(10));
    assertEquals("XOAUTH2", m.authMechanism().orElseThrow());
    assertEquals(REFRESH_TOKEN, google.tokenRequests().get(1).get("refresh_token"));
    assertTrue(warnings.isEmpty(), warnings.toString());
  }
}
