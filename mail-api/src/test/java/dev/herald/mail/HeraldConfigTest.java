package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeraldConfigTest {
  @TempDir Path dir;

  HeraldConfig load(String hocon) throws Exception {
    Path f = dir.resolve("herald.conf");
    Files.writeString(f, hocon);
    return HeraldConfig.load(f, Map.of(), ConfigFactory.empty());
  }

  @Test void homeAndConfigDirectoryAsPeopleWriteThem() {
    Path home = Path.of(System.getProperty("user.home"));
    assertEquals(home, HeraldConfig.expandHome("~"));
    assertEquals(home.resolve(".config/herald/token.json"), HeraldConfig.expandHome("~/.config/herald/token.json"));
    assertEquals(Path.of("~user/x"), HeraldConfig.expandHome("~user/x"), "another user's home is not guessed");
    assertEquals(Path.of("/etc/ca.pem"), HeraldConfig.expandHome("/etc/ca.pem"));
    assertEquals(Path.of("/x/herald"), HeraldConfig.configDirectory(Map.of("XDG_CONFIG_HOME", "/x")));
    assertEquals(home.resolve(".config/herald"), HeraldConfig.configDirectory(Map.of("XDG_CONFIG_HOME", " ")));
  }

  @Test void withoutAFileTheOutboxIsTheDefault() {
    HeraldConfig c = HeraldConfig.load(null, Map.of("XDG_CONFIG_HOME", dir.toString()), ConfigFactory.empty());
    assertTrue(c.file().isEmpty());
    assertEquals("outbox", c.defaultProfileName());
    Profile p = c.profile("outbox");
    assertEquals("file", p.transport());
    assertEquals("outbox", p.settings().getString("directory"));
  }

  @Test void xdgFileIsFoundAndEnvProfileWins() throws Exception {
    Files.createDirectories(dir.resolve("herald"));
    Files.writeString(dir.resolve("herald/herald.conf"), "herald.profiles.a { transport = file, directory = x }");
    HeraldConfig c = HeraldConfig.load(null, Map.of("XDG_CONFIG_HOME", dir.toString(), "HERALD_PROFILE", "a"),
        ConfigFactory.empty());
    assertEquals(dir.resolve("herald/herald.conf"), c.file().orElseThrow());
    assertEquals("a", c.defaultProfileName());
  }

  @Test void presetsMergeUnderTheProfileAndChain() throws Exception {
    HeraldConfig c = load("""
        herald.presets.base { transport = file, directory = base-dir }
        herald.presets.team { preset = base, from = "team@example.org" }
        herald.profiles.me { preset = team, directory = mine }
        """);
    Profile p = c.profile("me");
    assertEquals("file", p.transport());
    assertEquals("mine", p.settings().getString("directory"));
    assertEquals("team@example.org", p.settings().getString("from"));
  }

  @Test void unknownKeyNamesFileLineAndChoices() throws Exception {
    HeraldConfig c = load("herald.profiles.me {\n  transport = file\n  directroy = x\n}\n");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.profile("me"));
    assertTrue(e.getMessage().contains("unknown key 'directroy'"), e.getMessage());
    assertTrue(e.getMessage().contains("herald.conf: 3"), e.getMessage());
    assertTrue(e.getMessage().contains("directory"), e.getMessage());
  }

  @Test void unknownProfileAndPresetListChoices() throws Exception {
    HeraldConfig c = load("herald.profiles.me { preset = gmial }");
    InvalidConfigException e1 = assertThrows(InvalidConfigException.class, () -> c.profile("you"));
    assertTrue(e1.getMessage().contains("known profiles: me, outbox"), e1.getMessage());
    InvalidConfigException e2 = assertThrows(InvalidConfigException.class, () -> c.profile("me"));
    assertTrue(e2.getMessage().contains("unknown preset 'gmial'"), e2.getMessage());
  }

  @Test void missingTransportSaysWhatToSet() throws Exception {
    HeraldConfig c = load("herald.profiles.me { from = \"a@b.c\" }");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.profile("me"));
    assertTrue(e.getMessage().contains("names no transport"), e.getMessage());
  }

  @Test void namedFileMustExist() {
    assertThrows(InputNotFoundException.class,
        () -> HeraldConfig.load(dir.resolve("none.conf"), Map.of(), ConfigFactory.empty()));
    assertThrows(InputNotFoundException.class,
        () -> HeraldConfig.load(null, Map.of("HERALD_CONFIG", dir.resolve("none.conf").toString()), ConfigFactory.empty()));
  }

  @Test void syntaxErrorNamesTheFile() throws Exception {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load("herald { profiles = [ }"));
    assertTrue(e.getMessage().contains("herald.conf"), e.getMessage());
  }

  @Test void overridesWin() throws Exception {
    Path f = dir.resolve("herald.conf");
    Files.writeString(f, "herald.profiles.me { transport = file, directory = a }");
    HeraldConfig c = HeraldConfig.load(f, Map.of(),
        ConfigFactory.parseString("herald.profiles.me.directory = b"));
    assertEquals("b", c.profile("me").settings().getString("directory"));
  }

  @Test void redactedHidesInlineSecretsButNotPointers() throws Exception {
    HeraldConfig c = load("""
        herald.transports.file.username = ""
        herald.profiles.me { transport = file, password = "hunter2", username = bob,
          oauth2 { client-id = id, client-secret.env = SECRET, refresh-token = "rt-123", token-uri = "https://t" } }
        """);
    Map<String, String> r = c.profile("me").redacted();
    assertEquals("<redacted>", r.get("password"));
    assertEquals("<redacted>", r.get("oauth2.refresh-token"));
    assertEquals("\"SECRET\"", r.get("oauth2.client-secret.env"));
    assertEquals("\"https://t\"", r.get("oauth2.token-uri"));
    assertFalse(r.toString().contains("hunter2"));
    assertFalse(r.toString().contains("rt-123"));
  }

  /** Issue 14 item 7: redaction looked at string values only, and showed a password command in full. */
  @Test void redactedHidesSecretsOfEveryTypeAndShowsACommandByItsProgram() throws Exception {
    HeraldConfig c = load("""
        herald.transports.file.username = ""
        herald.profiles.num { transport = file, password = 98765432 }
        herald.profiles.list { transport = file, password = [hunter2], token { inline = 4711 } }
        herald.profiles.obj { transport = file, oauth2 { client-id = id, client-secret = 987654, refresh-token { x = [1, 2] } } }
        herald.profiles.cmd { transport = file, password.command = "pass show mail/bot --token s3cr3t" }
        """);
    Map<String, String> num = c.profile("num").redacted();
    assertEquals("<redacted>", num.get("password"));
    Map<String, String> list = c.profile("list").redacted();
    assertEquals("<redacted>", list.get("password"));
    assertEquals("<redacted>", list.get("token.inline"));
    Map<String, String> obj = c.profile("obj").redacted();
    assertEquals("<redacted>", obj.get("oauth2.client-secret"));
    assertEquals("<redacted>", obj.get("oauth2.refresh-token.x"));
    assertEquals("\"id\"", obj.get("oauth2.client-id"));
    Map<String, String> cmd = c.profile("cmd").redacted();
    assertEquals("command:pass …", cmd.get("password.command"));
    String all = num + " " + list + " " + obj + " " + cmd;
    for (String secret : List.of("98765432", "hunter2", "4711", "987654", "s3cr3t", "mail/bot")) {
      assertFalse(all.contains(secret), secret + " in " + all);
    }
  }
}
