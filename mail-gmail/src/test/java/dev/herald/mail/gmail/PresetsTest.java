package dev.herald.mail.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.Profile;
import dev.herald.mail.oauth2.OAuth2CredentialSourceFactory;
import dev.herald.mail.oauth2.testing.FakeResolver;
import dev.herald.mail.smtp.SmtpTransportFactory;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

/** The presets resolve through mail-api's binder, and the smtp transport and the oauth2 source accept every key. */
class PresetsTest {
  private static final String PRESETS_RESOURCE = "herald-smtp-presets.conf";

  private static Profile resolve(HeraldConfig config, String hocon) {
    return config.profile("p", ConfigFactory.parseString(hocon));
  }

  @Test void gmailIsSmtpGmailComOn587WithStartTlsAndGooglesEndpoints() {
    Config s = resolve(HeraldConfig.defaults(), "preset = gmail, username = \"me@gmail.com\"").settings();
    assertEquals("smtp", s.getString("transport"));
    assertEquals("smtp.gmail.com", s.getString("host"));
    assertEquals(587, s.getInt("port"));
    assertEquals("starttls", s.getString("tls"));
    assertEquals(List.of("xoauth2", "plain"), s.getStringList("auth"));
    assertEquals("https://oauth2.googleapis.com/token", s.getString("oauth2.token-uri"));
    assertEquals("https://accounts.google.com/o/oauth2/v2/auth", s.getString("oauth2.auth-uri"));
    assertEquals(List.of("https://mail.google.com/"), s.getStringList("oauth2.scopes"));
  }

  @Test void gmailImplicitIsPort465WithTheRestOfGmail() {
    Config s = resolve(HeraldConfig.defaults(), "preset = gmail-implicit").settings();
    assertEquals("smtp.gmail.com", s.getString("host"));
    assertEquals(465, s.getInt("port"));
    assertEquals("implicit", s.getString("tls"));
    assertEquals("https://oauth2.googleapis.com/token", s.getString("oauth2.token-uri"));
  }

  @Test void aProfileOverridesAnyPresetKey() {
    Config s = resolve(HeraldConfig.defaults(), "preset = gmail, port = 2525, oauth2.scopes = [x]").settings();
    assertEquals(2525, s.getInt("port"));
    assertEquals(List.of("x"), s.getStringList("oauth2.scopes"));
    assertEquals("https://oauth2.googleapis.com/token", s.getString("oauth2.token-uri"));
  }

  @Test void aUserAddsAPresetOfTheirOwnWithNoCode() {
    HeraldConfig config = HeraldConfig.of(ConfigFactory.parseString(
        "herald.presets.workspace { preset = gmail, username = \"me@corp.example\", from = \"Me <me@corp.example>\" }"));
    Config s = resolve(config, "preset = workspace, password.env = X").settings();
    assertEquals("smtp.gmail.com", s.getString("host"));
    assertEquals("me@corp.example", s.getString("username"));
  }

  @Test void gmailAndEveryProviderPresetMakeAnSmtpTransportAndAnOAuth2Source() {
    Config presets = ConfigFactory.parseResources(getClass().getClassLoader(), PRESETS_RESOURCE);
    assertTrue(presets.hasPath("herald.presets.outlook"), "presets.conf is on the class path with mail-smtp");
    HeraldConfig config = HeraldConfig.of(presets);
    SortedSet<String> names = config.presetNames();
    assertTrue(names.containsAll(List.of("gmail", "gmail-implicit", "outlook", "office365", "outlook-personal", "yahoo",
        "icloud", "fastmail", "zoho", "ses", "sendgrid", "mailgun", "mailpit", "mailhog", "local")), names.toString());
    for (String name : names) {
      Profile p = resolve(config, "preset = " + name);
      try (Transport t = new SmtpTransportFactory().create(p.settings(), TransportContext.empty())) {
        assertNotNull(t.describe(), name);
      }
      if (p.settings().hasPath("oauth2")) {
        Config block = p.settings().getConfig("oauth2").withFallback(ConfigFactory.parseString("client-id = x"));
        assertNotNull(new OAuth2CredentialSourceFactory().create(block.root(), "herald.profiles." + name + ".oauth2",
            new FakeResolver(Map.of())), name);
      }
    }
  }

  @Test void outlookIsOffice365WithMicrosoftsEndpointsAndLimits() {
    Config presets = ConfigFactory.parseResources(getClass().getClassLoader(), PRESETS_RESOURCE);
    Config s = resolve(HeraldConfig.of(presets), "preset = office365").settings();
    assertEquals("smtp.office365.com", s.getString("host"));
    assertEquals(List.of("xoauth2"), s.getStringList("auth"));
    assertEquals("https://login.microsoftonline.com/common/oauth2/v2.0/token", s.getString("oauth2.token-uri"));
    assertEquals(List.of("https://outlook.office.com/SMTP.Send", "offline_access"), s.getStringList("oauth2.scopes"));
    assertEquals("30/min", s.getString("rate-limit"));
    assertEquals("smtp-mail.outlook.com", resolve(HeraldConfig.of(presets), "preset = outlook-personal").settings()
        .getString("host"));
  }
}
