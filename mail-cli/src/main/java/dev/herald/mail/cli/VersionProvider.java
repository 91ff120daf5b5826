package dev.herald.mail.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code herald --version}: the project version (filtered in at build time) and the Java runtime. */
final class VersionProvider implements CommandLine.IVersionProvider {
  static String version() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in != null) p.load(in);
    } catch (IOException ignored) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }

  @Override public String[] getVersion() {
    return new String[] {"herald " + version() + " (Java " + Runtime.version() + ", "
        + System.getProperty("java.vm.name") + ")"};
  }
}
