package dev.herald.mail.internal.credentials;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.InvalidConfigException;

/** Small helpers for reading single config values with errors that name file and line. */
public final class ConfigValues {
  private ConfigValues() {}

  public static String string(ConfigValue value, String path, String expected) {
    if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
      throw new InvalidConfigException(path + " at " + where(value) + " must be " + expected);
    }
    return (String) value.unwrapped();
  }

  /**
   * The secret in a file's or a command's output: its first line, stripped; or, when it is a PEM
   * block (a key, such as a DKIM private key), the whole block.
   */
  public static String secretText(String content) {
    String s = content.strip();
    if (s.startsWith("-----BEGIN ")) return s;
    int nl = content.indexOf('\n');
    return (nl < 0 ? content : content.substring(0, nl)).strip();
  }

  public static String where(ConfigValue value) {
    String d = value.origin().description();
    return d == null ? "?" : d.replaceFirst("^merge of ", "");
  }
}
