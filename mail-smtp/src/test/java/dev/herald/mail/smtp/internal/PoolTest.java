package dev.herald.mail.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpTransport;
import dev.herald.mail.smtp.internal.Attempt.Outcome;
import dev.herald.mail.smtp.testing.Messages;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.testkit.MockSmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool against the testkit's mock server: reuse, caps, the wait for a free session, NOOP after idling, close. */
class PoolTest {
  private final MockSmtpServer server = MockSmtpServer.builder().build().start();
  private Pool pool;

  @AfterEach void stop() {
    if (pool != null) pool.close();
    server.close();
  }

  private Pool pool(Consumer<SmtpTransport.Builder> more) {
    pool = new Pool(SessionTest.settings(server.port(), more), Credentials.NONE, null, TraceListener.NONE);
    return pool;
  }

  private static Attempt send(Session s) {
    return s.transfer(List.of(new Job(Messages.envelope("a@example.net"), Messages.text("hi\r\n")))).get(0);
  }

  @Test void aReleasedSessionIsLentAgain() throws Exception {
    Pool p = pool(b -> { });
    Session s = p.acquire();
    assertEquals(Outcome.SENT, send(s).outcome());
    p.release(s);
    Session again = p.acquire();
    assertSame(s, again);
    assertTrue(again.reused());
    p.release(again);
    assertEquals(1, server.sessionCount());
  }

  @Test void aSessionAtItsMessageCapIsClosedAndReplaced() throws Exception {
    Pool p = pool(b -> b.maxMessagesPerConnection(1));
    Session s = p.acquire();
    assertEquals(Outcome.SENT, send(s).outcome());
    p.release(s);
    assertFalse(s.usable());
    Session next = p.acquire();
    assertNotSame(s, next);
    assertEquals(Outcome.SENT, send(next).outcome());
    p.release(next);
    assertEquals(2, server.sessionCount());
  }

  @Test void aThreadWaitsWhileEverySessionIsLent() throws Exception {
    Pool p = pool(b -> b.maxConnections(1));
    Session s = p.acquire();
    CompletableFuture<Session> other = CompletableFuture.supplyAsync(() -> {
      try {
        return p.acquire();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThrows(TimeoutException.class, () -> other.get(200, TimeUnit.MILLISECONDS));
    p.release(s);
    assertSame(s, other.get(5, TimeUnit.SECONDS));
    p.release(s);
    assertEquals(1, server.sessionCount());
  }

  @Test void anIdleSessionIsCheckedWithNoopBeforeReuse() throws Exception {
    Pool p = pool(b -> b.idleTimeout(Duration.ofMillis(1)));
    Session s = p.acquire();
    p.release(s);
    Thread.sleep(20);
    assertSame(s, p.acquire());
    assertTrue(server.transcriptText().contains("NOOP"), server.transcriptText());
    p.release(s);
  }

  @Test void aBrokenSessionIsReplaced() throws Exception {
    Pool p = pool(b -> { });
    Session s = p.acquire();
    s.abort();
    p.release(s);
    Session next = p.acquire();
    assertNotSame(s, next);
    assertTrue(next.usable());
    p.release(next);
  }

  @Test void aClosedPoolLendsNothingAndClosesWhatComesBack() throws Exception {
    Pool p = pool(b -> { });
    Session s = p.acquire();
    p.close();
    assertThrows(TransientMailException.class, p::acquire);
    p.release(s);
    assertFalse(s.usable());
  }
}
