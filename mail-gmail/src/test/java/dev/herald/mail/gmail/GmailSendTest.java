package dev.herald.mail.gmail;

import static dev.herald.mail.oauth2.testing.FakeOAuthServer.CLIENT_ID;
import static dev.herald.mail.oauth2.testing.FakeOAuthServer.CLIENT_SECRET;
import static dev.herald.mail.oauth2.testing.FakeOAuthServer.REFRESH_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.Email;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.MailException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MailerFactory;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Providers;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.oauth2.testing.FakeOAuthServer;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.testkit.Fault;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import dev.herald.mail.testkit.SmtpCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends through a MockSmtpServer set up like smtp.gmail.com (greeting, EHLO, STARTTLS required,
 * AUTH only after TLS, XOAUTH2 with Gmail's error challenge) and a fake Google token endpoint, with
 * the profile written as a user would: {@code preset = gmail}, host and endpoints pointed at the fakes.
 */
class GmailSendTest {
  private static final String USER = "me@gmail.com";
  private static final String APP_PASSWORD = "abcdefghijklmnop";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private FakeOAuthServer google;
  private MockSmtpServer gmail;
  private Mailer mailer;

  @BeforeEach void start() throws Exception {
    google = FakeOAuthServer.start();
    gmail = MockSmtpServer.builder().gmailLike()
        .user(USER, APP_PASSWORD)
        .token(USER, "no-token-but-a-live-one-is-accepted")
        .dispatcher(this::acceptLiveAccessTokens)
        .build().start();
  }

  @AfterEach void stop() {
    if (mailer != null) mailer.close();
    gmail.close();
    google.close();
  }

  /** Gmail takes an access token that Google issued and that has not expired; others get the mock's 334/535 flow. */
  private Fault.Effect acceptLiveAccessTokens(SmtpCommand command) {
    String[] words = command.line().split(" ");
    if (command.stage() != Stage.AUTH || words.length < 3 || !words[1].equalsIgnoreCase("XOAUTH2")) return null;
    String decoded = new String(Base64.getDecoder().decode(words[2]), StandardCharsets.UTF_8);
    int at = decoded.indexOf("auth=Bearer ");
    String token = at < 0 ? "" : decoded.substring(at + 12, decoded.indexOf('\u0001', at));
    return google.isValid(token) ? new Fault.Reply(235, List.of("2.7.0 Accepted"), false) : null;
  }

  /** The user's profile: the gmail preset, aimed at the fakes. */
  private Config profile(String extra) throws Exception {
    Path secret = Files.writeString(tmp.resolve("client-secret"), CLIENT_SECRET + "\n");
    Path token = Files.writeString(tmp.resolve("work.token"), REFRESH_TOKEN + "\n");
    return ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseString(
        "preset = gmail\n"
            + "host = \"" + gmail.host() + "\"\n"
            + "port = " + gmail.port() + "\n"
            + "tls-trust = \"" + gmail.certificateFile() + "\"\n"
            + "username = \"" + USER + "\"\n"
            + "from = \"Me <" + USER + ">\"\n"
            + "oauth2 {\n"
            + "  client-id = \"" + CLIENT_ID + "\"\n"
            + "  client-secret.file = \"" + secret + "\"\n"
            + "  refresh-token.file = \"" + token + "\"\n"
            + "  token-uri = \"" + google.tokenUri() + "\"\n"
            + "}\n"));
  }

  /** The App Password way: the gmail preset with a password file. */
  private Config passwordProfile(String password) throws Exception {
    Path file = Files.writeString(tmp.resolve("app-password"), password + "\n");
    return ConfigFactory.parseString("preset = gmail\n"
        + "host = \"" + gmail.host() + "\"\n"
        + "port = " + gmail.port() + "\n"
        + "tls-trust = \"" + gmail.certificateFile() + "\"\n"
        + "username = \"" + USER + "\"\n"
        + "from = \"Me <" + USER + ">\"\n"
        + "password.file = \"" + file + "\"\n");
  }

  private static Email email(String subject) {
    return Email.builder().to("friend@example.net").subject(subject).text("Sent through Gmail.").build();
  }

  @Test void sendsWithAFreshAccessToken() throws Exception {
    mailer = Mailer.fromProfile(profile(""));
    mailer.send(email("Hello"));

    RecordedMessage m = gmail.takeMessage(WAIT);
    assertNotNull(m);
    assertEquals("XOAUTH2", m.authMechanism().orElseThrow());
    assertEquals(USER, m.authenticatedUser().orElseThrow());
    assertTrue(m.tls());
    assertEquals("Hello", m.mime().getSubject());
    assertEquals(1, google.tokenRequests().size());
    assertEquals("refresh_token", google.tokenRequests().get(0).get("grant_type"));
    assertEquals(REFRESH_TOKEN, google.tokenRequests().get(0).get("refresh_token"));
    assertEquals(CLIENT_SECRET, google.tokenRequests().get(0).get("client_secret"));
  }

  @Test void aNewConnectionReusesTheCachedToken() throws Exception {
    mailer = Mailer.fromProfile(profile("max-messages-per-connection = 1"));
    mailer.send(email("One"));
    mailer.send(email("Two"));

    assertNotNull(gmail.takeMessage(WAIT));
    assertNotNull(gmail.takeMessage(WAIT));
    assertEquals(2, gmail.sessionCount());
    assertEquals(1, google.tokenRequests().size());
  }

  @Test void aSendAfterTheTokenExpiredRefreshesIt() throws Exception {
    google.expiresIn(1);
    mailer = Mailer.fromProfile(profile("max-messages-per-connection = 1"));
    mailer.send(email("Before"));
    Thread.sleep(1_100);  // the access token has expired, at Google and in the cache
    mailer.send(email("After"));

    assertNotNull(gmail.takeMessage(WAIT));
    RecordedMessage after = gmail.takeMessage(WAIT);
    assertEquals("After", after.mime().getSubject());
    // A one-second token is always "about to expire", so a slow machine may refresh it more often
    // than once per send; what matters is that the expired one was replaced, not rejected.
    assertTrue(google.tokenRequests().size() >= 2, "refreshed: " + google.tokenRequests().size());
    assertFalse(gmail.transcriptText().contains("535"), "refreshed before use, never rejected");
  }

  @Test void aTokenGmailRejectsIsRefreshedOnceAndTheSendGoesThrough() throws Exception {
    mailer = Mailer.fromProfile(profile("max-messages-per-connection = 1"));
    mailer.send(email("One"));
    google.expireAccessTokens();  // revoked or expired early at Google: the cache does not know
    mailer.send(email("Two"));

    gmail.takeMessage(WAIT);
    assertEquals("Two", gmail.takeMessage(WAIT).mime().getSubject());
    assertEquals(2, google.tokenRequests().size());
    String transcript = gmail.transcriptText();
    assertTrue(transcript.contains("334 eyJzdGF0dXMiOiI0MDEi"), "Gmail's error challenge: " + transcript);
    assertTrue(transcript.contains("535 5.7.8"), transcript);
  }

  @Test void aRevokedRefreshTokenSaysToRunHeraldAuth() throws Exception {
    mailer = Mailer.fromProfile(profile("max-messages-per-connection = 1"));
    mailer.send(email("One"));
    google.revoke().expireAccessTokens();

    AuthenticationException e = assertThrows(AuthenticationException.class, () -> mailer.send(email("Two")));

    assertTrue(e.getMessage().contains("invalid_grant: Token has been expired or revoked."), e.getMessage());
    String hint = e.hint().orElseThrow();
    assertTrue(hint.contains("run `herald auth --profile custom`"), hint);
    assertTrue(hint.contains("\"Testing\" after 7 days"), "the gmail preset's provider = google: " + hint);
    assertFalse((e.getMessage() + hint).contains(REFRESH_TOKEN));
    assertFalse((e.getMessage() + hint).contains(CLIENT_SECRET));
  }

  /** Gmail's real 535 reply to an account password, as Gmail words it. */
  private void gmailRefusesThePassword() {
    gmail.script(Fault.at(Stage.AUTH).reply(535,
        "5.7.8 Username and Password not accepted. For more information, go to",
        "5.7.8  https://support.google.com/mail/?p=BadCredentials d9443c01a7336-29b5c4d3e21sm1234567b3a.12 - gsmtp"));
  }

  @Test void aRefusedPasswordIsExplainedByTheGmailAdvisor() throws Exception {
    gmailRefusesThePassword();
    Config profile = passwordProfile("my-google-password");
    mailer = Mailer.fromProfile(profile);

    AuthenticationException e = assertThrows(AuthenticationException.class, () -> mailer.send(email("Hi")));

    assertEquals(535, e.replyCode());
    assertEquals("5.7.8", e.enhancedCode().orElseThrow());
    assertEquals(Stage.AUTH, e.stage());
    assertTrue(e.serverText().orElseThrow().contains("Username and Password not accepted"), e.serverText().get());
    // The advisor's line for the failure as the real transport reported it.
    String hint = new GmailAdvisor().explain(e, HeraldConfig.defaults().profile("custom", profile).settings())
        .orElseThrow();
    assertTrue(hint.startsWith("Gmail does not take the account's own password over SMTP: use an App Password"), hint);
    assertTrue(hint.contains("https://myaccount.google.com/apppasswords"), hint);
    assertTrue(google.tokenRequests().isEmpty());
  }

  /** What the user sees: the advisor's line wins over the transport's generic AUTH hint. */
  @Test void theUserSeesGmailsHintForARefusedPassword() throws Exception {
    gmailRefusesThePassword();
    mailer = Mailer.fromProfile(passwordProfile("my-google-password"));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> mailer.send(email("Hi")));
    assertTrue(e.hint().orElseThrow().contains("https://myaccount.google.com/apppasswords"), e.hint().get());
  }

  @Test void theRightAppPasswordSendsWithPlain() throws Exception {
    mailer = Mailer.fromProfile(passwordProfile(APP_PASSWORD));
    mailer.send(email("With an App Password"));
    assertEquals("PLAIN", gmail.takeMessage(WAIT).authMechanism().orElseThrow());
  }

  @Test void gmailsOtherRefusalsAreExplained() throws Exception {
    mailer = Mailer.fromProfile(profile(""));
    gmail.script(Fault.at(Stage.MAIL).reply(550, "5.4.5 Daily user sending limit exceeded. For more information on"
        + " Gmail sending limits go to", "5.4.5  https://support.google.com/a/answer/166852 - gsmtp").once());
    MailException limit = assertThrows(PermanentMailException.class, () -> mailer.send(email("1")));
    assertTrue(limit.hint().orElseThrow().contains("daily sending limit"), limit.hint().get());

    gmail.script(Fault.at(Stage.DATA_END).reply(552, "5.2.3 Your message exceeded Google's message size limits."
        + " For more information, go to", "5.2.3  https://support.google.com/mail/?p=MaxSizeError - gsmtp").once());
    MailException size = assertThrows(PermanentMailException.class, () -> mailer.send(email("2")));
    assertTrue(size.hint().orElseThrow().contains("25 MB"), size.hint().get());
  }

  @Test void tooManyLoginsIsTransientAndExplained() throws Exception {
    gmail.script(Fault.at(Stage.AUTH).reply(454, "4.7.0 Too many login attempts, please try again later."
        + " For more information, go to", "4.7.0  https://support.google.com/mail/answer/7126229 - gsmtp"));
    Config profile = passwordProfile(APP_PASSWORD);
    mailer = Mailer.fromProfile(profile);

    TransientMailException e = assertThrows(TransientMailException.class, () -> mailer.send(email("Hi")));

    assertEquals(454, e.replyCode());
    String hint = new GmailAdvisor().explain(e, HeraldConfig.defaults().profile("custom", profile).settings())
        .orElseThrow();
    assertTrue(hint.contains("too many attempts"), hint);
  }

  @Test void withoutTlsGmailAsksForStartTlsAndTheAdvisorSaysHow() throws Exception {
    Config plaintext = ConfigFactory.parseString("preset = gmail, tls = none, host = \"" + gmail.host() + "\", port = "
        + gmail.port() + ", from = \"" + USER + "\"");
    mailer = Mailer.fromProfile(plaintext);

    MailException e = assertThrows(MailException.class, () -> mailer.send(email("Hi")));

    assertEquals(530, e.replyCode());
    String hint = new GmailAdvisor().explain(e, HeraldConfig.defaults().profile("custom", plaintext).settings())
        .orElseThrow();
    assertTrue(hint.contains("tls = starttls"), hint);
  }

  @Test void aFromThatIsNotTheAccountIsWarnedAboutWhenTheProfileLoads() throws Exception {
    List<String> warnings = new ArrayList<>();
    HeraldConfig config = HeraldConfig.defaults();
    mailer = MailerFactory.of(Providers.discover(), config).create(
        config.profile("work", profile("from = \"Boss <boss@example.com>\"")), TraceListener.NONE, warnings::add);

    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("the profile sends as boss@example.com but signs in as "
        + USER + ": Gmail rewrites")), warnings.toString());
  }

  @Test void theAdvisorsAreRegistered() {
    List<String> names = Providers.discover().advisors().stream().map(a -> a.getClass().getSimpleName()).toList();
    assertTrue(names.containsAll(List.of("GmailAdvisor", "Microsoft365Advisor")), names.toString());
    assertInstanceOf(GmailAdvisor.class, Providers.discover().advisors().stream()
        .filter(GmailAdvisor.class::isInstance).findFirst().orElseThrow());
  }
}
