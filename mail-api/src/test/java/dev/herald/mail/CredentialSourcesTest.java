package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.spi.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialSourcesTest {
  @TempDir Path dir;
  final List<String> warnings = new ArrayList<>();

  Credentials credentials(String profileBody) {
    HeraldConfig c = HeraldConfig.of(ConfigFactory.parseString("herald.profiles.p { transport = file, " + profileBody + " }"));
    return MailerFactory.of(Providers.discover(), c).credentials(c.profile("p"), warnings::add);
  }

  @Test void inlinePasswordInCodeWorksWithoutWarning() {
    Credentials c = credentials("username = bob, password = \"s3cret\"");
    assertEquals("bob", c.username());
    assertEquals("s3cret", c.password().get().reveal());
    assertEquals("<redacted>", c.password().get().toString());
    assertFalse(c.toString().contains("s3cret"));
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test void inlinePasswordInAFileWarns() throws Exception {
    Path f = dir.resolve("herald.conf");
    java.nio.file.Files.writeString(f, "herald.profiles.p { transport = file, password = \"s3cret\" }");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    HeraldConfig c = HeraldConfig.load(f, java.util.Map.of(), ConfigFactory.empty());
    MailerFactory.of(Providers.discover(), c).credentials(c.profile("p"), warnings::add);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("herald.conf") && warnings.get(0).contains("prefer"), warnings.toString());
    assertFalse(warnings.get(0).contains("s3cret"));
  }

  /** Issue 14: a config file holding an inline secret that others can read is named, with the mode expected. */
  @Test void inlineSecretInAFileOthersCanReadWarnsOncePerFileWithTheModeExpected() throws Exception {
    Path f = dir.resolve("herald.conf");
    Files.writeString(f, "herald.profiles.p { transport = file, password = \"s3cret\", token = \"t0ken\" }");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    HeraldConfig c = HeraldConfig.load(f, java.util.Map.of(), ConfigFactory.empty());
    MailerFactory.of(Providers.discover(), c).credentials(c.profile("p"), warnings::add);
    String expected = "config file " + f + " holds a secret and others can read it (mode 640, expected 600: read and write"
        + " for its owner only); run: chmod 600 " + f;
    assertEquals(List.of(expected, expected), warnings.stream().filter(w -> w.startsWith("config file")).toList(),
        "the same text for each secret of the file, so that warnings shown once show it once");
    assertFalse(warnings.toString().contains("s3cret") || warnings.toString().contains("t0ken"), warnings.toString());
  }

  @Test void fileSourceReadsFirstLineAndWarnsOnSharedFile() throws Exception {
    Path f = dir.resolve("pw");
    Files.writeString(f, "file-secret\nignored\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    Credentials c = credentials("password.file = \"" + f + "\"");
    assertEquals("file-secret", c.password().get().reveal());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("chmod 600")), warnings.toString());
    assertEquals("file:" + f, c.password().describe());
  }

  @Test void ownerOnlyFileDoesNotWarn() throws Exception {
    Path f = dir.resolve("pw");
    Files.writeString(f, "x");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    credentials("password.file = \"" + f + "\"").password().get();
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test void missingFileIsAConfigError() {
    Credentials c = credentials("password.file = \"" + dir.resolve("none") + "\"");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.password().get());
    assertTrue(e.getMessage().contains("cannot read secret file"), e.getMessage());
  }

  @Test void commandSourceRunsOnceAndCaches() throws Exception {
    Path counter = dir.resolve("count");
    Credentials c = credentials("password.command = \"echo x >> " + counter + "; echo cmd-secret\"");
    assertEquals("cmd-secret", c.password().get().reveal());
    assertEquals("cmd-secret", c.password().get().reveal());
    assertEquals(1, Files.readAllLines(counter).size());
    c.password().invalidate();
    c.password().get();
    assertEquals(2, Files.readAllLines(counter).size());
    assertFalse(c.password().describe().contains("cmd-secret"));
  }

  @Test @org.junit.jupiter.api.Timeout(10) void commandGetsNoInputAndCannotHangOnIt() {
    Credentials c = credentials("password.command = \"cat; echo after-eof\"");
    assertEquals("after-eof", c.password().get().reveal());
  }

  @Test void failingCommandShowsItsStderr() {
    Credentials c = credentials("password.command = \"echo 'vault is sealed' >&2; exit 3\"");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.password().get());
    assertTrue(e.getMessage().contains("exit code 3") && e.getMessage().contains("vault is sealed"), e.getMessage());
  }

  @Test void envSourceNamesTheVariable() {
    Credentials c = credentials("password.env = HERALD_TEST_SURELY_UNSET_VAR");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.password().get());
    assertTrue(e.getMessage().contains("HERALD_TEST_SURELY_UNSET_VAR is not set"), e.getMessage());
    String path = System.getenv("PATH");
    assertEquals(path, credentials("password.env = PATH").password().get().reveal());
  }

  @Test void unknownSourceListsTheKnownOnes() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> credentials("password.vault = x"));
    assertTrue(e.getMessage().contains("unknown credential source 'vault'"), e.getMessage());
    assertTrue(e.getMessage().contains("command, env, file, inline"), e.getMessage());
  }

  @Test void oauth2BlockWithoutProviderNamesTheArtifact() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> credentials("oauth2 { client-id = x, refresh-token = y }"));
    assertTrue(e.getMessage().contains("dev.herald:mail-oauth2"), e.getMessage());
  }
}
