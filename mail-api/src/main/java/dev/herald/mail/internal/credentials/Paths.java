package dev.herald.mail.internal.credentials;

import java.nio.file.Path;

/** Expands a leading {@code ~/} as shells do, since config files are written by people. */
public final class Paths {
  private Paths() {}

  public static Path expand(String path) {
    if (path.equals("~")) return Path.of(System.getProperty("user.home"));
    if (path.startsWith("~/")) return Path.of(System.getProperty("user.home"), path.substring(2));
    return Path.of(path);
  }
}
