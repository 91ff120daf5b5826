package dev.herald.mail.cli;

import dev.herald.mail.LocalIoException;
import dev.herald.mail.testkit.DevServer;
import dev.herald.mail.testkit.MockSmtpServer;
import java.io.UncheckedIOException;

/** What {@code herald dev-server} runs: mail-testkit's {@link DevServer}, until stopped or N messages. */
final class DevInbox {
  private DevInbox() {}

  static int run(DevServerCommand o, CliContext ctx) throws Exception {
    DevServer.Options options;
    try {
      options = DevServer.Options.defaults().withPort(o.port)
          .withTls(o.tls ? MockSmtpServer.TlsMode.STARTTLS : MockSmtpServer.TlsMode.NONE).withSaveDir(o.save)
          .withUi(o.ui).withMaxMessages(o.maxMessages);
      if (o.listen != null) options = options.withListen(DevServer.Options.address(o.listen));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (o.auth != null) {
      int colon = o.auth.indexOf(':');
      if (colon <= 0) throw new UsageException("--auth '" + o.auth + "': expected USER:PASS");
      options = options.withAuth(o.auth.substring(0, colon), o.auth.substring(colon + 1));
    }
    // This process is ours: bound the time a web request may take to arrive (the JDK's server reads
    // this once, when it is first used; a library could not set it for its users).
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "30");
    DevServer server;
    try {
      server = DevServer.start(options, ctx.out());
    } catch (UncheckedIOException e) {
      // The message names what failed: the --save directory, or an address and port already in use.
      String hint = e.getCause() instanceof java.net.BindException ? "; choose another with --port or --ui PORT" : "";
      throw new LocalIoException(e.getMessage() + hint, e);
    }
    try (server) {
      if (o.count == 0) {
        server.awaitClose();
      } else {
        // The server prints each message as it arrives; here we only wait for the N-th.
        while (server.server().messageCount() < o.count) Thread.sleep(50);
        // A message is recorded just before its 250 reply: give the client time to read it and QUIT.
        Thread.sleep(500);
      }
    }
    return ExitCodes.OK;
  }
}
