package dev.herald.mail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class Microsoft365AdvisorTest {
  private static final Config OUTLOOK = ConfigFactory.parseString("preset = outlook, host = \"smtp.office365.com\"");
  private final Microsoft365Advisor advisor = new Microsoft365Advisor();

  private String hint(int code, String enhanced, String text) {
    MailException e = new AuthenticationException("AUTH failed", Stage.AUTH, code, enhanced, text, null, null);
    return advisor.explain(e, OUTLOOK).orElseThrow(() -> new AssertionError("no hint for " + code + " " + text));
  }

  @Test void basicAuthenticationDisabledMeansOAuth2() {
    String hint = hint(535, "5.7.139", "Authentication unsuccessful, basic authentication is disabled."
        + " [BN9PR03CA0123.namprd03.prod.outlook.com 2024-09-16T10:00:00.000Z 08DCD5F2E0B7A3C1]");
    assertTrue(hint.startsWith("Microsoft has turned off password (basic) authentication for SMTP: use OAuth2"), hint);
    assertTrue(hint.contains("auth = [xoauth2]"), hint);
  }

  @Test void smtpAuthDisabledForTheTenantNamesTheAdminSwitch() {
    String hint = hint(535, "5.7.139", "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.");
    assertTrue(hint.contains("Set-CASMailbox"), hint);
  }

  @Test void otherKnownReplies() {
    assertTrue(hint(535, "5.7.139", "Authentication unsuccessful, the user credentials were incorrect.")
        .contains("by policy"));
    assertTrue(hint(535, "5.7.3", "Authentication unsuccessful").contains("SMTP.Send"));
    assertTrue(hint(554, "5.2.252", "SendAsDenied; me@example.com not allowed to send as boss@example.com")
        .contains("Send As"));
    assertTrue(hint(554, "5.2.0", "STOREDRV.Submission.Exception:SubmissionQuotaExceededException")
        .contains("30 messages a minute"));
    assertTrue(hint(432, "4.3.2", "STOREDRV.ClientSubmit; sender thread limit exceeded").contains("max-connections"));
  }

  @Test void appliesOnlyToMicrosoft() {
    MailException e = new PermanentMailException("x", Stage.AUTH, 535, "5.7.139", "basic authentication is disabled",
        null, null);
    assertEquals(Optional.empty(), advisor.explain(e, ConfigFactory.parseString("host = \"smtp.gmail.com\"")));
    assertTrue(advisor.explain(e, ConfigFactory.parseString("host = \"smtp-mail.outlook.com\"")).isPresent());
  }

  @Test void aPasswordOnlyProfileIsWarnedAbout() {
    List<String> w = new ArrayList<>();
    advisor.review(ConfigFactory.parseString("preset = office365, password.env = X"), w::add);
    assertTrue(w.get(0).contains("no longer take passwords"), w.toString());
    w.clear();
    advisor.review(ConfigFactory.parseString("preset = outlook, oauth2.client-id = x"), w::add);
    assertEquals(List.of(), w);
  }
}
