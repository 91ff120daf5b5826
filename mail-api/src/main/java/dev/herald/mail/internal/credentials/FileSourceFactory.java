package dev.herald.mail.internal.credentials;

import com.typesafe.config.ConfigValue;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** {@code password.file = "~/.config/herald/pw"}: the first line of a file (a PEM block whole), read at each use. */
public final class FileSourceFactory implements CredentialSourceFactory {
  @Override public String name() { return "file"; }

  @Override public CredentialSource create(ConfigValue value, String path, Resolver resolver) {
    Path file = HeraldConfig.expandHome(ConfigValues.string(value, path, "a file path"));
    String where = path + " at " + ConfigValues.where(value);
    return new CredentialSource() {
      private volatile boolean warned;

      @Override public Secret get() {
        try {
          if (!warned) {
            warned = true;
            warnIfShared(file, resolver);
          }
          String content = Files.readString(file, StandardCharsets.UTF_8);
          String line = ConfigValues.secretText(content);
          if (line.isEmpty()) throw new InvalidConfigException("secret file " + file + " (" + where + ") is empty");
          return Secret.of(line);
        } catch (IOException e) {
          throw new InvalidConfigException("cannot read secret file " + file + " (" + where + "): "
              + e.getClass().getSimpleName() + "; check the path and its permissions", e);
        }
      }

      @Override public String describe() { return "file:" + file; }

      @Override public String toString() { return "CredentialSource[" + describe() + "]"; }
    };
  }

  static void warnIfShared(Path file, Resolver resolver) throws IOException {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
        resolver.warn("secret file " + file + " is readable by others; run: chmod 600 " + file);
      }
    } catch (UnsupportedOperationException notPosix) {
      // Windows and other non-POSIX file systems: nothing to check this way.
    }
  }
}
