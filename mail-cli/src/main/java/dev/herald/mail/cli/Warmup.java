package dev.herald.mail.cli;

import dev.herald.mail.Email;

/**
 * Start-up: while the main thread parses the command line, a daemon thread on the other core does,
 * ahead of it, the work a send will need next and that depends on no argument: the modules'
 * reference.conf (parsed once per class loader, then cached by Typesafe Config), the providers
 * (one ServiceLoader pass, kept by {@link CliContext#discoverOnce()}), java.util.logging (Guice logs
 * through it), the renderer with its random source, and last the JDK's TLS stack (its trust store
 * alone takes some 100 ms cold). The main thread takes over any of these that the warm-up has not
 * reached, or waits for the one in progress; a failure here is ignored (the real use reports it).
 * Off with {@code -Dherald.warmup=false}.
 */
final class Warmup {
  private Warmup() {}

  static void start(String[] args) {
    if (args.length == 0 || "false".equals(System.getProperty("herald.warmup"))) return;
    boolean send = args[0].equals("send") || args[0].equals("sendmail");
    if (!send && !args[0].equals("check")) return;
    Thread t = new Thread(() -> {
      try {
        com.typesafe.config.ConfigFactory.defaultReference();
        CliContext.discoverOnce();
        java.util.logging.Logger.getLogger(Warmup.class.getName());
        if (send) {
          Email.builder().from("warm@example.org").to("up@example.org").subject("warm-up").text("x").build().render()
              .writeTo(java.io.OutputStream.nullOutputStream());
        }
        javax.net.ssl.SSLContext.getInstance("TLS").init(null, null, null);
      } catch (Throwable ignored) {
        // Only a warm-up: whatever failed here fails again, and is reported, where it is really used.
      }
    }, "herald-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }
}
