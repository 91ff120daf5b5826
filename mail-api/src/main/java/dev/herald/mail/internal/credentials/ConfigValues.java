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

  public static String where(ConfigValue value) {
    String d = value.origin().description();
    return d == null ? "?" : d.replaceFirst("^merge of ", "");
  }
}
