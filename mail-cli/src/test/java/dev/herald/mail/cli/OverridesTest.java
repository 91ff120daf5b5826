package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --set}: relative to the chosen profile unless the key starts with {@code herald.}. */
class OverridesTest {
  @Test void relativeKeysGoUnderTheProfile() {
    Overrides o = Overrides.parse(List.of("port=2525", "tls=none", "password.env=PW", "herald.profile=work", "auth=[plain, login]",
        "to=[a@example.com, b@example.com]", "timeouts.connect=5s", "from=Me <me@example.org>"));
    assertTrue(o.hasProfileKeys());
    Config c = o.forProfile("my.work");
    assertEquals(2525, c.getInt("herald.profiles.\"my.work\".port"));
    assertEquals("none", c.getString("herald.profiles.\"my.work\".tls"));
    assertEquals("PW", c.getString("herald.profiles.\"my.work\".password.env"));
    assertEquals(List.of("plain", "login"), c.getStringList("herald.profiles.\"my.work\".auth"));
    assertEquals(List.of("a@example.com", "b@example.com"), c.getStringList("herald.profiles.\"my.work\".to"));
    assertEquals(5, c.getDuration("herald.profiles.\"my.work\".timeouts.connect").toSeconds());
    assertEquals("Me <me@example.org>", c.getString("herald.profiles.\"my.work\".from"));
    assertEquals("work", c.getString("herald.profile"));
    assertEquals("work", o.root().getString("herald.profile"));
    assertFalse(o.root().hasPath("herald.profiles"));
  }

  @Test void badKeysAreUsageErrors() {
    assertThrows(UsageException.class, () -> Overrides.parse(List.of("noequals")));
    assertThrows(UsageException.class, () -> Overrides.parse(List.of("=value")));
    assertThrows(UsageException.class, () -> Overrides.parse(List.of("a..b=1")));
    assertThrows(UsageException.class, () -> Overrides.parse(List.of("x={ unclosed")));
  }
}
