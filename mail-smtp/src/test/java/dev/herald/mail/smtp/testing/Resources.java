package dev.herald.mail.smtp.testing;

import dev.herald.mail.testkit.MockSmtpServer;
import java.util.ArrayList;
import java.util.List;

/** What a test opened (servers, transports), for its {@code @AfterEach} to close. */
public final class Resources {
  private final List<AutoCloseable> all = new ArrayList<>();

  public <T extends AutoCloseable> T add(T c) {
    all.add(c);
    return c;
  }

  /** Builds and starts a server, closed with the rest. */
  public MockSmtpServer start(MockSmtpServer.Builder b) {
    return add(b.build().start());
  }

  /** Closes everything added, in the order it was added. */
  public void closeAll() throws Exception {
    for (AutoCloseable c : all) c.close();
  }
}
