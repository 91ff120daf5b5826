package dev.herald.mail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import dev.herald.mail.InvalidConfigException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpSettingsTest {

  @Test void defaultsComeFromReferenceConf() {
    SmtpSettings s = SmtpSettings.from(ConfigFactory.parseString("host = smtp.example.org"));
    assertEquals(587, s.port());
    assertEquals(TlsPolicy.STARTTLS, s.tls());
    assertNull(s.tlsTrust());
    assertFalse(s.allowPlaintextAuth());
    assertEquals(List.of("xoauth2", "oauthbearer", "plain", "login"), s.auth());
    assertNull(s.localName());
    assertEquals(Duration.ofSeconds(30), s.timeouts().connect());
    assertEquals(Duration.ofSeconds(60), s.timeouts().reply());
    assertEquals(Duration.ofMinutes(10), s.timeouts().dataEnd());
    assertEquals(4, s.maxConnections());
    assertEquals(100, s.maxMessagesPerConnection());
    assertFalse(s.rateLimit().limited());
    assertEquals(1, s.retry().attempts());
    assertTrue(s.pipelining());
    assertTrue(s.chunking());
    assertEquals(List.of(), s.dsn().notifyOn());
    assertNull(s.dsn().ret());
  }

  /** One value for each key of mail-smtp's reference.conf, none of them its default. */
  private static final String SAMPLES = String.join("\n",
      "host = mail.example.org, port = 465, tls = IMPLICIT, tls-trust = \"ca.pem\", allow-plaintext-auth = true",
      "auth = \"plain, cram-md5\", local-name = client.example.org, source-address = \"127.0.0.2\"",
      "timeouts { connect = 5s, reply = 7s, data-end = 2m }",
      "max-connections = 2, max-messages-per-connection = 0, idle-timeout = 3s, rate-limit = \"100/min\"",
      "retry { attempts = 4, backoff = 2s, max-backoff = 30s }, pipelining = false, chunking = false",
      "dsn { notify = [success, failure], ret = hdrs }");

  @Test void everyKeyIsRead() {
    SmtpSettings s = SmtpSettings.from(ConfigFactory.parseString(SAMPLES));
    assertEquals(465, s.port());
    assertEquals(TlsPolicy.IMPLICIT, s.tls());
    assertEquals("ca.pem", s.tlsTrust().toString());
    assertEquals(List.of("plain", "cram-md5"), s.auth());
    assertEquals("client.example.org", s.localName());
    assertEquals("127.0.0.2", s.sourceAddress().getHostAddress());
    assertEquals(Duration.ofMinutes(2), s.timeouts().dataEnd());
    assertEquals(0, s.maxMessagesPerConnection());
    assertEquals(new RateLimit(100, Duration.ofMinutes(1)), s.rateLimit());
    assertEquals(4, s.retry().attempts());
    assertEquals(List.of("SUCCESS", "FAILURE"), s.dsn().notifyOn());
    assertEquals("HDRS", s.dsn().ret());
    assertFalse(s.pipelining());
  }

  /**
   * reference.conf and the settings cannot drift apart: each of its keys changes a setting on its
   * own (so it has a builder call), and each setting (a record component, nested ones included) is
   * changed by some key (so it has a key and a default in reference.conf).
   */
  @Test void eachKeyOfReferenceConfSetsASettingAndEachSettingHasAKey() throws Exception {
    Config reference = ConfigFactory.defaultReference().getConfig("herald.transports.smtp");
    Config samples = ConfigFactory.parseString(SAMPLES);
    assertEquals(leafKeys(reference), leafKeys(samples), "SAMPLES must give a value for each key of reference.conf");
    Config base = ConfigFactory.parseString("host = h");
    Map<String, Object> defaults = components("", SmtpSettings.from(base));
    Set<String> changed = new TreeSet<>();
    for (String key : leafKeys(reference)) {
      Map<String, Object> one = components("", SmtpSettings.from(samples.withOnlyPath(key).withFallback(base)));
      Set<String> diff = new TreeSet<>();
      for (String c : defaults.keySet()) if (!Objects.equals(defaults.get(c), one.get(c))) diff.add(c);
      assertFalse(diff.isEmpty(), key + " = " + samples.getValue(key).render() + " changes no setting: does SmtpSettings.set call the builder for it?");
      changed.addAll(diff);
    }
    assertEquals(defaults.keySet(), changed, "a setting that no key of reference.conf changes has no key (and no default) there");
  }

  @Test void badValuesNameTheKeyTheFileAndLineAndWhatIsAllowed(@TempDir Path dir) throws Exception {
    Map<String, String> cases = Map.of(
        "tls = ssl", "tls 'ssl' is not a TLS policy; choose starttls, implicit, opportunistic or none",
        "timeouts.reply = soon", "timeouts.reply 'soon' is not a duration; write it as 500ms, 30s, 10m or 1h",
        "max-connections = -1", "max-connections must be at least 1, not -1",
        "timeouts.data-end = 0s", "timeouts.data-end must be positive, not PT0S (a wait without end is never allowed)",
        "port = \"smtp\"", "port 'smtp' is not a whole number",
        "dsn.notify = [sometimes]", "dsn.notify 'sometimes' is not one of never, success, failure, delay",
        "rate-limit = \"10/week\"", "rate-limit '10/week' has an unknown unit; use s, min or h",
        "source-address = mail.example.org",
        "source-address 'mail.example.org' is not an IP address; write an address of this machine such as 192.0.2.10 or 2001:db8::10");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = Files.writeString(dir.resolve("herald.conf"), "# profile\nhost = h\n" + c.getKey() + "\n");
      InvalidConfigException e = assertThrows(InvalidConfigException.class,
          () -> SmtpSettings.from(ConfigFactory.parseFile(file.toFile())), c.getKey());
      assertEquals(file + ": 3: " + c.getValue(), e.getMessage());
    }
  }

  @Test void sourceAddressTakesAddressLiteralsOnly() {
    assertEquals("0:0:0:0:0:0:0:1", SmtpSettings.from(ConfigFactory.parseString("host = h, source-address = \"::1\"")).sourceAddress().getHostAddress());
    assertNull(SmtpSettings.from(ConfigFactory.parseString("host = h, source-address = \"\"")).sourceAddress());
    for (String bad : List.of("1.2.3.999", "1.2.3", "::g", ".:", "localhost", "10.0.0.1/8")) {
      InvalidConfigException e = assertThrows(InvalidConfigException.class,
          () -> SmtpSettings.from(ConfigFactory.parseString("host = h, source-address = \"" + bad + "\"")), bad);
      assertTrue(e.getMessage().contains("is not an IP address"), e.getMessage());
    }
  }

  @Test void aBlockGivenAsAValueIsAConfigError() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SmtpSettings.from(
        ConfigFactory.parseString("host = h\ntimeouts = 5s", ConfigParseOptionsHolder.named("herald.conf"))));
    assertTrue(e.getMessage().startsWith("herald.conf: 2: timeouts "), e.getMessage());
  }

  @Test void aMissingHostIsNamedWithoutPointingAtTheDefaults() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SmtpSettings.from(ConfigFactory.parseString("port = 25")));
    assertEquals("host is empty; set the SMTP server's host name", e.getMessage());
  }

  @Test void builderErrorsNameTheKey() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> SmtpTransport.builder().host("h").maxConnections(-1).build());
    assertEquals("max-connections must be at least 1, not -1", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> SmtpTransport.builder().host("h").replyTimeout(Duration.ofSeconds(-1)).build());
    assertTrue(e.getMessage().startsWith("timeouts.reply must be positive"), e.getMessage());
  }

  private static Set<String> leafKeys(Config c) {
    Set<String> keys = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) keys.add(e.getKey());
    return keys;
  }

  /** A record's components by name, nested records flattened ({@code timeouts.connect}). */
  private static Map<String, Object> components(String prefix, Record r) throws Exception {
    Map<String, Object> out = new TreeMap<>();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      Object v = c.getAccessor().invoke(r);
      if (v instanceof Record nested) out.putAll(components(prefix + c.getName() + ".", nested));
      else out.put(prefix + c.getName(), v);
    }
    return out;
  }

  @Test void otherInvalidValues() {
    for (String bad : List.of("auth = [ntlm]", "rate-limit = fast", "rate-limit = \"10/week\"", "port = 0",
        "max-connections = 0", "retry.attempts = 0", "dsn.notify = [sometimes]", "dsn.ret = body",
        "timeouts.reply = soon", "timeouts.data-end = 0s", "retry.backoff = -1s", "dsn.notify = [never, success]", "local-name = \"a\\r\\nRSET\"", "host = \"h x\"")) {
      assertThrows(InvalidConfigException.class, () -> SmtpSettings.from(ConfigFactory.parseString("host = h\n" + bad)), bad);
    }
    assertThrows(InvalidConfigException.class, () -> SmtpSettings.from(ConfigFactory.empty()));
  }

  @Test void builderUsesTheSameDefaultsAndValidation() {
    try (SmtpTransport t = SmtpTransport.builder().host("smtp.example.org").tls(TlsPolicy.IMPLICIT).port(465)
        .replyTimeout(Duration.ofSeconds(5)).auth("PLAIN").rateLimit("10/s").retry(3, Duration.ofMillis(200)).build()) {
      SmtpSettings s = t.settings();
      assertEquals(Duration.ofSeconds(5), s.timeouts().reply());
      assertEquals(List.of("plain"), s.auth());
      assertEquals(3, s.retry().attempts());
      assertEquals(Duration.ofSeconds(30), s.timeouts().connect());
      assertEquals("smtp.example.org:465", t.describe());
    }
    assertThrows(InvalidConfigException.class, () -> SmtpTransport.builder().build());
    assertThrows(InvalidConfigException.class, () -> SmtpTransport.builder().host("h").auth("ntlm").build());
  }

  @Test void builderDefaultsAreThoseOfReferenceConf() {
    try (SmtpTransport t = SmtpTransport.builder().host("h").build()) {
      assertEquals(SmtpSettings.from(ConfigFactory.parseString("host = h")), t.settings());
    }
  }

  @Test void builderSettersMatchTheConfigKeys() {
    SmtpSettings fromConfig = SmtpSettings.from(ConfigFactory.parseString(String.join("\n",
        "host = \" smtp.example.org \"", "port = 2465", "tls = opportunistic", "allow-plaintext-auth = true",
        "auth = [PLAIN, cram-md5]", "local-name = client.example.org", "timeouts { connect = 1s, reply = 2s, data-end = 3s }",
        "max-connections = 7", "max-messages-per-connection = 0", "idle-timeout = 9s", "rate-limit = \"100/min\"",
        "retry { attempts = 4, backoff = 250ms, max-backoff = 20s }", "pipelining = false", "chunking = false",
        "dsn { notify = [success, FAILURE], ret = hdrs }")));
    try (SmtpTransport t = SmtpTransport.builder().host(" smtp.example.org ").port(2465).tls(TlsPolicy.OPPORTUNISTIC)
        .allowPlaintextAuth(true).auth("PLAIN", "cram-md5").localName("client.example.org")
        .connectTimeout(Duration.ofSeconds(1)).replyTimeout(Duration.ofSeconds(2)).dataEndTimeout(Duration.ofSeconds(3))
        .maxConnections(7).maxMessagesPerConnection(0).idleTimeout(Duration.ofSeconds(9)).rateLimit("100/min")
        .retry(4, Duration.ofMillis(250)).retryMaxBackoff(Duration.ofSeconds(20)).pipelining(false).chunking(false)
        .dsn(List.of("success", "FAILURE"), "hdrs").build()) {
      assertEquals(fromConfig, t.settings());
    }
  }

  @Test void builderRefusesWhatTheConfigRefuses() {
    List<java.util.function.Supplier<SmtpTransport.Builder>> bad = List.of(
        () -> SmtpTransport.builder(), () -> SmtpTransport.builder().host(" "), () -> SmtpTransport.builder().host("h x"),
        () -> SmtpTransport.builder().host("h").port(0), () -> SmtpTransport.builder().host("h").auth("ntlm"),
        () -> SmtpTransport.builder().host("h").rateLimit("fast"), () -> SmtpTransport.builder().host("h").rateLimit("10/week"),
        () -> SmtpTransport.builder().host("h").maxConnections(0), () -> SmtpTransport.builder().host("h").retry(0, Duration.ZERO),
        () -> SmtpTransport.builder().host("h").retry(2, Duration.ofSeconds(-1)),
        () -> SmtpTransport.builder().host("h").replyTimeout(Duration.ZERO),
        () -> SmtpTransport.builder().host("h").dsn(List.of("sometimes"), null),
        () -> SmtpTransport.builder().host("h").dsn(List.of("never", "success"), null),
        () -> SmtpTransport.builder().host("h").dsn(List.of(), "body"),
        () -> SmtpTransport.builder().host("h").localName("a\r\nRSET"),
        () -> SmtpTransport.builder().host("h").maxMessagesPerConnection(-1),
        () -> SmtpTransport.builder().host("h").idleTimeout(Duration.ofSeconds(-1)));
    for (int i = 0; i < bad.size(); i++) {
      SmtpTransport.Builder b = bad.get(i).get();
      assertThrows(InvalidConfigException.class, b::build, "case " + i);
    }
  }

  @Test void rateLimitParsing() {
    assertEquals(new RateLimit(10, Duration.ofSeconds(1)), RateLimit.parse("10/s"));
    assertEquals(new RateLimit(500, Duration.ofHours(1)), RateLimit.parse(" 500 / hour "));
    assertEquals(RateLimit.NONE, RateLimit.parse(""));
    assertEquals("100/min", RateLimit.parse("100/min").toString());
    assertEquals(Duration.ofMillis(100), RateLimit.parse("10/s").interval());
    assertThrows(IllegalArgumentException.class, () -> RateLimit.parse("0/s"));
  }

  @Test void factoryNameAndEagerValidation() {
    SmtpTransportFactory f = new SmtpTransportFactory();
    assertEquals("smtp", f.name());
    assertThrows(InvalidConfigException.class,
        () -> f.create(ConfigFactory.parseString("host = h, tls = maybe"), dev.herald.mail.spi.TransportContext.empty()));
  }

  /** Names a parsed string as if it came from a file. */
  static final class ConfigParseOptionsHolder {
    static com.typesafe.config.ConfigParseOptions named(String name) {
      return com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription(name);
    }
  }
}
