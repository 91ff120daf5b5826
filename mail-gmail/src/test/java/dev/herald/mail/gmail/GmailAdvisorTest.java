package dev.herald.mail.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GmailAdvisorTest {
  private static final Config GMAIL = ConfigFactory.parseString(
      "preset = gmail, host = \"smtp.gmail.com\", username = \"me@gmail.com\", password.env = GMAIL_APP_PASSWORD");
  private final GmailAdvisor advisor = new GmailAdvisor();

  private static MailException reply(int code, String enhanced, String text) {
    Stage stage = Stage.MAIL;
    return code / 100 == 4 ? new TransientMailException("server said " + code, stage, code, enhanced, text, null, null)
        : new PermanentMailException("server said " + code, stage, code, enhanced, text, null, null);
  }

  private String hint(int code, String enhanced, String text) {
    return advisor.explain(reply(code, enhanced, text), GMAIL).orElseThrow(() -> new AssertionError("no hint for " + code));
  }

  @Test void badCredentialsWithAPasswordPointToAppPasswordsAndOAuth2() {
    MailException e = new AuthenticationException("AUTH PLAIN failed", Stage.AUTH, 535, "5.7.8",
        "Username and Password not accepted. For more information, go to\n https://support.google.com/mail/?p=BadCredentials",
        null, null);
    String hint = advisor.explain(e, GMAIL).orElseThrow();
    assertTrue(hint.contains("App Password (https://myaccount.google.com/apppasswords"), hint);
    assertTrue(hint.contains("OAuth2"), hint);
    assertTrue(hint.contains("https://support.google.com/mail/?p=BadCredentials"), hint);
  }

  @Test void badCredentialsWithOAuth2PointToHeraldAuth() {
    Config oauth = ConfigFactory.parseString("preset = gmail, host = \"smtp.gmail.com\", oauth2.client-id = x");
    String hint = advisor.explain(reply(535, "5.7.8", "Username and Password not accepted."), oauth).orElseThrow();
    assertTrue(hint.startsWith("Gmail refused the OAuth2 token"), hint);
    assertTrue(hint.contains("herald auth"), hint);
  }

  @Test void eachKnownReplyHasItsLine() {
    assertTrue(hint(534, "5.7.9", "Application-specific password required.").contains("2-Step Verification is on"));
    assertTrue(hint(534, "5.7.14", "Please log in with your web browser").contains("security alert"));
    assertTrue(hint(530, "5.7.0", "Must issue a STARTTLS command first.").contains("tls = starttls"));
    assertTrue(hint(530, "5.7.0", "Authentication Required.").contains("requires sign-in"));
    assertTrue(hint(550, "5.4.5", "Daily user sending limit exceeded.").contains("daily sending limit"));
    assertTrue(hint(454, "4.7.0", "Too many login attempts, please try again later.").contains("too many attempts"));
    assertTrue(hint(454, "4.7.0", "Cannot authenticate due to a temporary system problem.").contains("try again"));
    assertTrue(hint(421, "4.7.0", "Try again later, closing connection. (EHLO)").contains("throttling"));
    assertTrue(hint(552, "5.2.3", "Your message exceeded Google's message size limits.").contains("25 MB"));
    assertTrue(hint(552, "5.7.0", "This message was blocked because its content presents a potential security issue.")
        .contains(".exe"));
    assertTrue(hint(550, "5.7.26", "This mail has been blocked because the sender is unauthenticated.")
        .contains("SPF or DKIM"));
    assertTrue(hint(550, "5.7.1", "Our system has detected an unusual rate of unsolicited mail").contains("policy"));
    assertTrue(hint(553, "5.7.1", "Sender address rejected: not owned by user me@gmail.com").contains("Send mail as"));
  }

  @Test void theEnhancedCodeMayStillBeInTheText() {
    assertTrue(hint(550, null, "5.4.5 Daily user sending limit exceeded.").contains("daily sending limit"));
  }

  @Test void unknownRepliesAndOtherProvidersGetNothing() {
    assertEquals(Optional.empty(), advisor.explain(reply(550, "5.1.1", "No such user"), GMAIL));
    Config other = ConfigFactory.parseString("host = \"smtp.example.org\"");
    assertEquals(Optional.empty(), advisor.explain(reply(534, "5.7.9", "x"), other));
  }

  @Test void appliesByHostOrByPreset() {
    assertTrue(GmailAdvisor.appliesTo(ConfigFactory.parseString("host = \"SMTP.gmail.com\"")));
    assertTrue(GmailAdvisor.appliesTo(ConfigFactory.parseString("host = \"smtp.googlemail.com\"")));
    assertTrue(GmailAdvisor.appliesTo(ConfigFactory.parseString("preset = gmail-implicit, host = \"127.0.0.1\"")));
    assertTrue(!GmailAdvisor.appliesTo(ConfigFactory.parseString("preset = outlook, host = \"smtp.office365.com\"")));
  }

  private List<String> review(String hocon) {
    List<String> warnings = new ArrayList<>();
    advisor.review(ConfigFactory.parseString(hocon), warnings::add);
    return warnings;
  }

  @Test void aFromThatIsNotTheAccountIsWarnedAbout() {
    List<String> w = review("preset = gmail, username = \"me@gmail.com\", password = x, from = \"Me <boss@example.com>\"");
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).startsWith("the profile sends as boss@example.com but signs in as me@gmail.com: Gmail rewrites"),
        w.get(0));
    assertTrue(w.get(0).contains("\"Send mail as\""));
  }

  @Test void theSameAccountWrittenAnotherWayIsNotWarnedAbout() {
    assertEquals(List.of(), review("preset = gmail, username = \"first.last@gmail.com\", password = x,"
        + " from = \"First <FirstLast@googlemail.com>\""));
    assertEquals(List.of(), review("preset = gmail, username = \"me@example.com\", password = x, from = \"ME@example.com\""));
  }

  @Test void dotsMatterOutsideGmailCom() {
    assertTrue(!GmailAdvisor.canonical("a.b@example.com").equals(GmailAdvisor.canonical("ab@example.com")));
  }

  @Test void aProfileWithNothingToSignInWithIsWarnedAbout() {
    List<String> w = review("preset = gmail, username = \"me@gmail.com\"");
    assertTrue(w.get(0).startsWith("Gmail requires sign-in"), w.toString());
    assertEquals(List.of(), review("host = \"smtp-relay.gmail.com\""));
  }

  @Test void aUsernameWithoutDomainIsWarnedAbout() {
    List<String> w = review("preset = gmail, username = me, password = x, from = \"me@gmail.com\"");
    assertTrue(w.get(0).contains("full address"), w.toString());
  }

  @Test void otherProfilesAreNotReviewed() {
    assertEquals(List.of(), review("host = \"smtp.example.org\", from = \"a@example.org\", username = b"));
  }
}
