package dev.herald.mail.cli;

import dev.herald.mail.testkit.DevServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code herald dev-server}: mail-testkit's {@code MockSmtpServer} as a local inbox on 127.0.0.1 that
 * prints (and optionally saves) each message it receives, and with {@code --ui} serves a web inbox
 * of them. For trying a profile or an application without sending real mail.
 */
@Command(name = "dev-server", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a local SMTP server on 127.0.0.1 that accepts every message and prints it"
        + " (mail-testkit's MockSmtpServer); with --ui, also a web inbox to read them. Stop it with Ctrl-C."},
    footer = {"", "It prints a profile for herald.conf ('profile: herald.profiles.dev { … }', with from, TLS trust and"
        + " credentials) and a 'try:' command that sends to it as printed.", "", "Examples:",
        "  herald dev-server --port 2525 --save ./inbox",
        "  herald dev-server --ui          # then open http://127.0.0.1:8025/",
        "  herald send --profile dev --to you@example.net --subject Hello \\",
        "      --text 'Hello from herald' --set 'herald.profiles.dev={",
        "        transport = smtp, host = \"127.0.0.1\", port = 2525, tls = none",
        "        from = \"Dev <dev@localhost>\" }'"})
final class DevServerCommand implements Callable<Integer> {
  private final CliContext ctx;

  DevServerCommand(CliContext ctx) { this.ctx = ctx; }

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "2525", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;
  @Option(names = "--tls", description = "Offer STARTTLS with a self-signed certificate (its PEM file is printed, for tls-trust).")
  boolean tls;
  @Option(names = "--auth", paramLabel = "USER:PASS", description = "Require AUTH (PLAIN, LOGIN) as this user.")
  String auth;
  @Option(names = "--save", paramLabel = "DIR", description = "Also save each message as an .eml file in DIR.")
  Path save;
  @Option(names = "--ui", paramLabel = "PORT", arity = "0..1", fallbackValue = "" + DevServer.DEFAULT_UI_PORT,
      description = "Serve a web inbox (page and Mailpit-style JSON API) on this port (default when given without one: 8025; 0 = any free port).")
  Integer ui;
  @Option(names = "--listen", paramLabel = "ADDR", description = "Listen on this IP address (SMTP and web inbox) instead of 127.0.0.1;"
      + " 0.0.0.0 lets other machines in: they can read every message.")
  String listen;
  @Option(names = "--max-messages", paramLabel = "N", defaultValue = "" + DevServer.DEFAULT_MAX_MESSAGES,
      description = "Messages the web inbox keeps in memory, the oldest dropped (default: ${DEFAULT-VALUE}; with --save, all files are kept).")
  int maxMessages;
  @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Exit after N messages (default: run until stopped).")
  int count;
  @Mixin CommonOptions common;

  @Override public Integer call() throws Exception {
    // The testkit's classes stay out of this class's signatures, so other commands never load them
    // (DevServer's constants above are compiled in).
    return DevInbox.run(this, ctx);
  }
}
