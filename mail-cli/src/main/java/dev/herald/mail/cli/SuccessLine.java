package dev.herald.mail.cli;

import dev.herald.mail.HeraldConfig;
import dev.herald.mail.Profile;
import dev.herald.mail.SendReceipt;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code sent <MESSAGE-ID> to N recipient(s) via PROFILE (HOST:PORT)}; for a profile that writes
 * files, the path and how to set up a profile that really sends.
 */
final class SuccessLine {
  private SuccessLine() {}

  static String of(SendReceipt receipt, Profile profile, HeraldConfig config, Map<String, String> env) {
    int n = receipt.accepted().size();
    String id = receipt.messageId() == null ? "a message" : receipt.messageId();
    StringBuilder sb = new StringBuilder("sent ").append(id).append(" to ").append(n)
        .append(n == 1 ? " recipient" : " recipients");
    if (!receipt.rejected().isEmpty()) sb.append(" (").append(receipt.rejected().size()).append(" rejected)");
    sb.append(" via ").append(profile.name()).append(" (").append(receipt.via()).append(')');
    if ("file".equals(profile.transport())) {
      sb.append("; saved as a file, not delivered: to send for real, add a profile to ")
          .append(configFile(config, env)).append(" and use --profile NAME (see herald profiles)");
    }
    return sb.toString();
  }

  /** The file the user reads or would write, with the home directory shown as {@code ~}. */
  static String configFile(HeraldConfig config, Map<String, String> env) {
    Path file = config.file().orElseGet(() -> HeraldConfig.configDirectory(env).resolve("herald.conf"));
    String home = System.getProperty("user.home");
    String s = file.toString();
    return home != null && !home.isEmpty() && s.startsWith(home + "/") ? "~" + s.substring(home.length()) : s;
  }
}
