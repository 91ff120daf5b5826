package dev.herald.mail.internal.credentials;

import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Secret;

/** Reads an environment variable at each use, so a changed value is seen without a restart. */
public final class EnvSource implements CredentialSource {
  private final String name;
  private final String where;

  private EnvSource(String name, String where) {
    this.name = name;
    this.where = where;
  }

  public static EnvSource of(String name) { return new EnvSource(name, null); }

  static EnvSource of(String name, String where) { return new EnvSource(name, where); }

  @Override public Secret get() {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new InvalidConfigException("environment variable " + name + " is not set"
          + (where == null ? "" : " (" + where + ")") + ": export it, or name another source");
    }
    return Secret.of(v);
  }

  @Override public String describe() { return "env:" + name; }

  @Override public String toString() { return "CredentialSource[" + describe() + "]"; }
}
