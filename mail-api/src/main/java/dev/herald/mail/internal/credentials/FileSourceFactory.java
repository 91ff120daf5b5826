package dev.herald.mail.internal.credentials;

import com.typesafe.config.ConfigValue;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** {@code password.file = "~/.config/herald/pw"}: the first line of a file, read at each use. */
public final class FileSourceFactory implements CredentialSourceFactory {
  static final int MAX_LINE = 64 << 10;

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
          String line = firstLine(file, where).strip();
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

  /** A secret is one line: read up to the first line break, and no further than 64 KiB (think /dev/zero). */
  static String firstLine(Path file, String where) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[MAX_LINE + 1];
      int n = 0;
      for (int r; n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0; ) {
        for (int i = n; i < n + r; i++) {
          if (buf[i] == '\n') return new String(buf, 0, i, StandardCharsets.UTF_8);
        }
        n += r;
      }
      if (n > MAX_LINE) {
        throw new InvalidConfigException("secret file " + file + " (" + where + ") has no line break in its first "
            + (MAX_LINE >> 10) + " KiB; a secret is its first line");
      }
      return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
  }

  static void warnIfShared(Path file, Resolver resolver) throws IOException {
    // A device or pipe (/dev/stdin, <(pass show x)) has no permissions worth a warning.
    if (!Files.isRegularFile(file)) return;
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
