package dev.herald.mail.cli;

import dev.herald.mail.Address;
import dev.herald.mail.Email;

/**
 * Start-up: for the commands that connect ({@code send}, {@code sendmail}, {@code check}), a daemon
 * thread on the other core does, while the main thread parses the command line, the work that depends
 * on no argument: first the modules' {@code reference.conf} (seven HOCON files: the longest step before
 * the first byte; Typesafe Config caches them per class loader, and the main thread's load waits for
 * them instead of parsing them again), the providers (one ServiceLoader pass, kept for the process by
 * {@link CliContext#discoverOnce}), the JDK's logging (the Mailer's logger brings up java.util.logging),
 * the time zone and the Message-ID's random source, and last the JDK's TLS stack (its trust store alone
 * takes some 100 ms cold). A failure here is ignored (the real use reports it). Off with
 * {@code -Dherald.warmup=false}.
 */
final class Warmup {
  private Warmup() {}

  static void start(CliContext ctx, String[] args) {
    if (args.length == 0 || "false".equals(System.getProperty("herald.warmup"))) return;
    boolean send = args[0].equals("send") || args[0].equals("sendmail");
    if (!send && !args[0].equals("check")) return;
    Thread t = new Thread("herald-warmup") { // a class, not a lambda: see Main.main
      @Override public void run() {
        try {
          com.typesafe.config.ConfigFactory.defaultReference();
          ctx.providerSource().get();
          System.getLogger("dev.herald.mail.Mailer");
          if (send) {
            java.time.ZonedDateTime.now(); // the Date header's time zone: the zone database is read on first use
            Email.newMessageId(Address.parse("warm@example.org")); // opens the random source
          }
          javax.net.ssl.SSLContext.getInstance("TLS").init(null, null, null);
        } catch (RuntimeException | Error | java.security.GeneralSecurityException ignored) {
          // Only a warm-up: the main thread does it again where needed, and reports what fails.
        }
      }
    };
    t.setDaemon(true);
    t.start();
  }
}
