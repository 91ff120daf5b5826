package dev.herald.mail.gmail.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.Locale;
import java.util.Set;

/** Reads what advisors need from an effective profile, tolerating keys of the wrong type. */
public final class Profiles {
  private Profiles() {}

  /** The string at {@code path}, or "" when absent or not a string. */
  public static String string(Config profile, String path) {
    return profile.hasPath(path) && profile.getValue(path).valueType() == ConfigValueType.STRING
        ? profile.getString(path).strip() : "";
  }

  /** True when the profile's host is one of {@code hosts} or its preset one of {@code presets}. */
  public static boolean isProvider(Config profile, Set<String> hosts, Set<String> presets) {
    return hosts.contains(string(profile, "host").toLowerCase(Locale.ROOT))
        || presets.contains(string(profile, "preset").toLowerCase(Locale.ROOT));
  }

  /** True when the profile signs in with a token: an oauth2 block with a client-id, or a token source. */
  public static boolean usesOAuth2(Config profile) {
    return profile.hasPath("oauth2.client-id") || profile.hasPath("token");
  }

  /** True when the profile has anything to sign in with. */
  public static boolean hasCredentials(Config profile) {
    return usesOAuth2(profile) || profile.hasPath("password");
  }
}
