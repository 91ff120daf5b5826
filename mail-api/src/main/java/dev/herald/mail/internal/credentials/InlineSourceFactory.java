package dev.herald.mail.internal.credentials;

import com.typesafe.config.ConfigValue;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** {@code password = "…"} or {@code password.inline = "…"}: a secret written into the config. */
public final class InlineSourceFactory implements CredentialSourceFactory {
  @Override public String name() { return "inline"; }

  @Override public CredentialSource create(ConfigValue value, String path, Resolver resolver) {
    String secret = ConfigValues.string(value, path, "a string");
    // Only a secret written into a file is worth a warning; one built in code (a test server's
    // profile, --set on the command line) is the caller's business.
    String filename = value.origin().filename();
    if (filename != null) {
      resolver.warn(path + " at " + ConfigValues.where(value)
          + " is written in the config file; prefer " + path.replaceFirst("\\.inline$", "") + ".env, .file or .command");
      warnIfOthersCanRead(Path.of(filename), resolver);
    }
    return CredentialSource.of(secret);
  }

  /**
   * msmtp refuses a config file with a password that others can read; we warn (a cron job's mail is
   * not lost to an upgrade) and say what to run. The text names the file only, so that a file with
   * several secrets is one warning where warnings are shown once.
   */
  static void warnIfOthersCanRead(Path file, Resolver resolver) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
        resolver.warn("config file " + file + " holds a secret and others can read it (mode " + octal(p)
            + ", expected 600: read and write for its owner only); run: chmod 600 " + file);
      }
    } catch (UnsupportedOperationException | IOException | SecurityException notChecked) {
      // Not a POSIX file system, or not ours to stat: nothing to check this way.
    }
  }

  private static String octal(Set<PosixFilePermission> p) {
    int mode = 0;
    for (PosixFilePermission perm : p) mode |= 1 << (8 - perm.ordinal());
    return Integer.toOctalString(mode);
  }
}
