package dev.herald.mail.smtp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.smtp.testing.RecordingTrace;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.Secret;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.MockSmtpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/** What the client suites against MockSmtpServer share: servers and transports closed after each test, a recorded trace. */
@Timeout(20)
abstract class SmtpClientFixture {
  static final Duration TAKE = Duration.ofSeconds(5);
  final List<AutoCloseable> closeables = new ArrayList<>();
  final RecordingTrace trace = new RecordingTrace();
  final List<String> warnings = new ArrayList<>();

  @AfterEach void closeAll() throws Exception {
    for (AutoCloseable c : closeables) c.close();
  }

  MockSmtpServer start(MockSmtpServer.Builder b) {
    MockSmtpServer s = b.build().start();
    closeables.add(s);
    return s;
  }

  SmtpTransport transport(MockSmtpServer server, Credentials creds, Object... overrides) {
    Map<String, Object> m = new HashMap<>();
    m.put("timeouts.reply", "3s");
    m.put("timeouts.connect", "3s");
    m.put("timeouts.data-end", "3s");
    for (int i = 0; i < overrides.length; i += 2) m.put((String) overrides[i], overrides[i + 1]);
    Config profile = ConfigFactory.parseMap(m, "test overrides").withFallback(server.profile());
    SmtpTransport t = (SmtpTransport) new SmtpTransportFactory().create(profile,
        new TransportContext(creds, trace, warnings::add));
    closeables.add(t);
    return t;
  }

  static Credentials bob() {
    return Credentials.password("bob", CredentialSource.of("s3cret-pass"));
  }

  /** A credential source that hands out values in turn and counts calls. */
  static final class FakeTokens implements CredentialSource {
    private final String[] values;
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger invalidations = new AtomicInteger();
    private int next;

    FakeTokens(String... values) { this.values = values; }

    @Override public synchronized Secret get() {
      gets.incrementAndGet();
      return Secret.of(values[Math.min(next, values.length - 1)]);
    }

    @Override public synchronized void invalidate() {
      invalidations.incrementAndGet();
      next++;
    }

    @Override public String describe() { return "fake"; }
  }
}
