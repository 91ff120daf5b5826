package dev.herald.mail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.Mailer;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failures to connect, against the real resolver and a real closed port: an unknown host is
 * permanent and not retried; a refused connection is transient and retried. Retries are set to a
 * minute's backoff, so "retried" shows as a send still waiting and "not retried" as one that ended
 * long before the first retry could have started.
 */
class ConnectFailuresIT {
  private static final Email EMAIL = Email.builder().from("app@example.org").to("bob@example.net").subject("s").text("t").build();

  private static Mailer mailer(String host, int port) {
    return Mailer.fromProfile(ConfigFactory.parseMap(Map.of("transport", "smtp", "host", host, "port", port, "tls", "none",
        "retry.attempts", 3, "retry.backoff", "60s", "retry.max-backoff", "60s")));
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test void anUnknownHostIsPermanentAndNotRetried() throws Exception {
    try (Mailer mailer = mailer("no-such-host.invalid", 2525)) {
      // A retry would wait at least 30 s (the upper half of a 60 s backoff) before ending.
      CompletableFuture<?> f = mailer.sendAsync(EMAIL);
      ExecutionException x = assertThrows(ExecutionException.class, () -> f.get(15, TimeUnit.SECONDS));
      assertEquals(Reason.UNKNOWN_HOST, assertInstanceOf(PermanentMailException.class, x.getCause()).reason());
      PermanentMailException e = assertThrows(PermanentMailException.class, () -> mailer.send(EMAIL));
      assertEquals(Reason.UNKNOWN_HOST, e.reason());
      assertEquals(Stage.CONNECT, e.stage());
      assertEquals("unknown host 'no-such-host.invalid'", e.getMessage());
    }
  }

  @Test void aRefusedConnectionIsTransientAndRetried() throws Exception {
    int port = closedPort();
    try (Mailer mailer = mailer("127.0.0.1", port)) {
      CompletableFuture<?> f = mailer.sendAsync(EMAIL);
      Thread.sleep(1500);
      assertFalse(f.isDone(), "still waiting for its retry");
    }
    try (Mailer once = Mailer.fromProfile(ConfigFactory.parseMap(Map.of("transport", "smtp", "host", "127.0.0.1",
        "port", port, "tls", "none")))) {
      MailException e = assertThrows(HostUnreachableException.class, () -> once.send(EMAIL));
      assertEquals(Reason.CONNECTION_REFUSED, e.reason());
    }
  }
}
