package dev.herald.mail.cli;

import dev.herald.mail.Email;

/**
 * Start-up: while the main thread parses the command line, reads the config and builds the injector,
 * a daemon thread on the other core loads what a send will need next: the JDK's TLS stack (its
 * trust store alone takes some 100 ms cold) and the MIME renderer. Nothing is sent or kept; the
 * work only warms shared classes and caches, and a failure here is ignored (the real use reports it).
 * Off with {@code -Dherald.warmup=false}.
 */
final class Warmup {
  private Warmup() {}

  static void start(String[] args) {
    if (args.length == 0 || "false".equals(System.getProperty("herald.warmup"))) return;
    boolean send = args[0].equals("send");
    if (!send && !args[0].equals("sendmail") && !args[0].equals("check")) return;
    Thread t = new Thread(() -> {
      try {
        javax.net.ssl.SSLContext.getInstance("TLS").init(null, null, null);
        if (send) {
          Email.builder().from("warm@example.org").to("up@example.org").subject("warm-up").text("x").build().render()
              .writeTo(java.io.OutputStream.nullOutputStream());
        }
      } catch (Throwable ignored) {
        // Only a warm-up: whatever failed here fails again, and is reported, where it is really used.
      }
    }, "herald-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }
}
