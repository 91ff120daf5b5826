package dev.herald.mail.cli;

import dev.herald.mail.Address;
import dev.herald.mail.Email;

/**
 * Start-up: for the commands that connect ({@code send}, {@code sendmail}, {@code check}), a daemon
 * thread on the other core does, while the main thread parses the command line and reads the config
 * file (and the modules' reference.conf: about as long as what follows), the work that depends on
 * no argument: the providers (one ServiceLoader pass), the run's injector ({@link Injection}), the
 * time zone and the Message-ID's random source, and last the JDK's TLS stack (its trust store alone
 * takes some 100 ms cold). The main thread waits for what is in progress and does itself what has
 * not started; a failure here is ignored (the real use reports it).
 * Off with {@code -Dherald.warmup=false}.
 */
final class Warmup {
  private Warmup() {}

  static void start(CliContext ctx, String[] args) {
    if (args.length == 0 || "false".equals(System.getProperty("herald.warmup"))) return;
    boolean send = args[0].equals("send") || args[0].equals("sendmail");
    if (!send && !args[0].equals("check")) return;
    ctx.injection().startInBackground(new Runnable() { // a class, not a lambda: see Main.main
      @Override public void run() {
        if (send) {
          java.time.ZonedDateTime.now(); // the Date header's time zone: the zone database is read on first use
          Email.newMessageId(Address.parse("warm@example.org")); // opens the random source
        }
        try {
          javax.net.ssl.SSLContext.getInstance("TLS").init(null, null, null);
        } catch (java.security.GeneralSecurityException ignored) {
          // reported where TLS is really used
        }
      }
    });
  }
}
