package dev.herald.mail.spi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.MailException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Provider-specific diagnostics, found with {@link java.util.ServiceLoader}: turns a known server
 * reply into one line that says what to do, and warns about profiles that will not work as meant.
 * A provider's advisor ships beside its preset: mail-smtp's for the generic providers' presets
 * (Microsoft 365), mail-gmail's for Gmail's; no transport has provider special cases. The static
 * methods read an effective profile, and {@link ReplyRule} matches known replies, for advisors of any jar.
 */
public interface ProfileAdvisor {

  /**
   * A hint for a failed send, or empty when this advisor has nothing to say.
   *
   * @param profile the effective profile the send used (host, username, preset…)
   */
  Optional<String> explain(MailException failure, Config profile);

  /** Reports warnings about a profile before it is used, e.g. a From that the provider rewrites. */
  default void review(Config profile, Consumer<String> warnings) { }

  /** The string at {@code path}, or "" when absent or not a string (a profile's keys may have any type). */
  static String string(Config profile, String path) {
    return profile.hasPath(path) && profile.getValue(path).valueType() == ConfigValueType.STRING
        ? profile.getString(path).strip() : "";
  }

  /** True when the profile's host is one of {@code hosts} or its preset one of {@code presets} (lower case). */
  static boolean isProvider(Config profile, Set<String> hosts, Set<String> presets) {
    return hosts.contains(string(profile, "host").toLowerCase(Locale.ROOT))
        || presets.contains(string(profile, "preset").toLowerCase(Locale.ROOT));
  }

  /** True when the profile signs in with a token: an oauth2 block with a client-id, or a token source. */
  static boolean usesOAuth2(Config profile) {
    return profile.hasPath("oauth2.client-id") || profile.hasPath("token");
  }

  /** True when the profile has anything to sign in with. */
  static boolean hasCredentials(Config profile) {
    return usesOAuth2(profile) || profile.hasPath("password");
  }
}
