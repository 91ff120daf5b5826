package dev.herald.mail.cli;

import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;

/** What {@code herald dev-server} runs: a {@link MockSmtpServer} whose messages are printed and saved. */
final class DevInbox {
  private DevInbox() {}

  static int run(DevServerCommand o, CliContext ctx) throws Exception {
    boolean tls = o.tls;
    java.util.List<String> users = o.users;
    int port = o.port;
    int count = o.count;
    java.nio.file.Path save = o.save;
    MockSmtpServer.Builder b = MockSmtpServer.builder().tls(tls ? MockSmtpServer.TlsMode.STARTTLS : MockSmtpServer.TlsMode.NONE)
        .maxRecordedMessages(100).maxTranscriptLines(1);
    for (String u : users) {
      int colon = u.indexOf(':');
      if (colon <= 0) throw new UsageException("--auth '" + u + "': expected USER:PASS");
      b.user(u.substring(0, colon), u.substring(colon + 1));
    }
    if (save != null) {
      try {
        Files.createDirectories(save);
      } catch (IOException e) {
        throw new dev.herald.mail.LocalIoException("cannot create --save directory " + save + ": " + e.getMessage(), e);
      }
    }
    PrintStream out = ctx.out();
    try (MockSmtpServer server = b.build().start(port)) {
      out.println("herald dev-server listening on " + server.host() + ":" + server.port()
          + (tls ? " (STARTTLS)" : " (plaintext)") + (users.isEmpty() ? "" : ", AUTH for " + users.size() + " user(s)"));
      out.println("profile for herald.conf: dev { transport = smtp, host = \"" + server.host() + "\", port = " + server.port()
          + ", tls = " + (tls ? "starttls, tls-trust = \"" + server.certificateFile() + "\"" : "none")
          + (users.isEmpty() ? "" : ", username = \"" + users.get(0).substring(0, users.get(0).indexOf(':')) + "\", password.env = DEV_PASSWORD")
          + " }");
      out.flush();
      for (int n = 1; count == 0 || n <= count; n++) {
        RecordedMessage m;
        do {
          m = server.takeMessage(Duration.ofSeconds(1));
        } while (m == null);
        print(out, n, m, o.headersOnly);
        if (save != null) Files.write(save.resolve(String.format("%04d.eml", n)), m.raw());
      }
    }
    return ExitCodes.OK;
  }

  private static void print(PrintStream out, int n, RecordedMessage m, boolean headersOnly) {
    out.println("--- message " + n + " from <" + m.envelope().sender() + "> to "
        + String.join(", ", m.envelope().recipients().stream().map(r -> "<" + r + ">").toList()) + ", " + m.size() + " octets"
        + (m.tls() ? ", " + m.tlsProtocol().orElse("TLS") : "") + m.authenticatedUser().map(u -> ", AUTH as " + u).orElse(""));
    String text = m.rawText().replace("\r\n", "\n");
    if (headersOnly) {
      int end = text.indexOf("\n\n");
      text = end < 0 ? text : text.substring(0, end + 1);
    }
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }
}
