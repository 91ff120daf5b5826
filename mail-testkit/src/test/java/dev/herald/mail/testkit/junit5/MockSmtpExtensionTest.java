package dev.herald.mail.testkit.junit5;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.testing.RawSmtpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small test classes through the JUnit engine and checks what the extension did. */
class MockSmtpExtensionTest {
  static final List<MockSmtpServer> SEEN = new CopyOnWriteArrayList<>();

  private static Events run(Class<?> c) {
    SEEN.clear();
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().testEvents();
  }

  private static boolean closed(MockSmtpServer s) {
    return !s.isRunning();
  }

  @ExtendWith(MockSmtpExtension.class)
  static class PerTestParameters {
    @BeforeEach void before(MockSmtpServer server) { SEEN.add(server); }
    @Test void one(MockSmtpServer server) { SEEN.add(server); }
    @Test void two(MockSmtpServer server) { SEEN.add(server); }
  }

  @Test void freshServerPerTestSharedWithBeforeEachAndClosedAfter() {
    run(PerTestParameters.class).assertStatistics(s -> s.succeeded(2).failed(0));
    assertEquals(4, SEEN.size());
    assertSame(SEEN.get(0), SEEN.get(1), "@BeforeEach and the test get the same server");
    assertSame(SEEN.get(2), SEEN.get(3));
    assertNotSame(SEEN.get(0), SEEN.get(2), "each test gets its own");
    assertTrue(SEEN.stream().allMatch(MockSmtpExtensionTest::closed));
  }

  static class AnnotatedField {
    @MockSmtp(users = "bob:secret", tls = MockSmtpServer.TlsMode.STARTTLS, requireTls = true, authOnlyAfterTls = true)
    MockSmtpServer smtp;
    @Test void configured() throws Exception {
      SEEN.add(smtp);
      try (RawSmtpClient c = new RawSmtpClient(smtp.host(), smtp.port())) {
        c.reply();
        assertFalse(c.command("EHLO me").stream().anyMatch(l -> l.contains("AUTH")));
        assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.command("MAIL FROM:<a@example.org>").get(0));
      }
      assertEquals("bob", smtp.profile().getString("username"));
      assertEquals("starttls", smtp.profile().getString("tls"));
    }
  }

  @Test void fieldAnnotationConfiguresAndEnables() {
    run(AnnotatedField.class).assertStatistics(s -> s.succeeded(1).failed(0));
    assertEquals(1, SEEN.size());
  }

  @ExtendWith(MockSmtpExtension.class)
  static class AnnotatedParameter {
    @Test void gmail(@MockSmtp(gmailLike = true, users = "me@gmail.com:app-pw") MockSmtpServer s) throws Exception {
      SEEN.add(s);
      try (RawSmtpClient c = new RawSmtpClient(s.host(), s.port())) {
        assertTrue(c.reply().get(0).startsWith("220 smtp.gmail.com"));
      }
      assertEquals("me@gmail.com", s.profile().getString("username"));
    }
  }

  @Test void parameterAnnotationConfiguresTheServer() {
    run(AnnotatedParameter.class).assertStatistics(s -> s.succeeded(1).failed(0));
    assertEquals(1, SEEN.size());
  }

  @MockSmtp(users = "bad-pair")
  static class BadAnnotation {
    @Test void t(MockSmtpServer s) { SEEN.add(s); }
  }

  @Test void malformedUserPairFailsTheTestWithAClearMessage() {
    Events events = run(BadAnnotation.class);
    events.assertStatistics(s -> s.failed(1));
    Throwable t = events.failed().stream().findFirst().orElseThrow()
        .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertTrue(String.valueOf(t.getMessage()).contains("name:secret"), String.valueOf(t));
  }

  @MockSmtp(scope = MockSmtp.Scope.CLASS, tls = MockSmtpServer.TlsMode.NONE)
  static class ClassScoped {
    @Test void a(MockSmtpServer s) { SEEN.add(s); assertEquals("none", s.profile().getString("tls")); }
    @Test void b(MockSmtpServer s) { SEEN.add(s); }
  }

  @Test void classScopeSharesOneServer() {
    run(ClassScoped.class).assertStatistics(s -> s.succeeded(2).failed(0));
    assertSame(SEEN.get(0), SEEN.get(1));
    assertTrue(closed(SEEN.get(0)));
  }

  @ExtendWith(MockSmtpExtension.class)
  static class StaticField {
    static MockSmtpServer shared;
    @Test void a() { SEEN.add(shared); }
    @Test void b(MockSmtpServer s) { SEEN.add(s); SEEN.add(shared); }
  }

  @Test void staticFieldMeansOneServerPerClass() {
    run(StaticField.class).assertStatistics(s -> s.succeeded(2).failed(0));
    assertEquals(3, SEEN.size());
    assertNotNull(SEEN.get(0));
    assertTrue(SEEN.stream().allMatch(x -> x == SEEN.get(0)));
  }

  static class Registered {
    @RegisterExtension static MockSmtpExtension smtp =
        new MockSmtpExtension(MockSmtpServer.builder().user("carol", "pw")).perClass();
    @Test void a() { SEEN.add(smtp.server()); assertEquals("carol", smtp.server().profile().getString("username")); }
    @Test void b() { SEEN.add(smtp.server()); }
  }

  @Test void programmaticRegistrationWithBuilder() {
    run(Registered.class).assertStatistics(s -> s.succeeded(2).failed(0));
    assertSame(SEEN.get(0), SEEN.get(1));
  }

  @ExtendWith(MockSmtpExtension.class)
  static class Failing {
    @Test void fails(MockSmtpServer s) throws Exception {
      try (RawSmtpClient c = new RawSmtpClient(s.host(), s.port())) {
        c.reply();
        c.command("EHLO failing.test");
      }
      fail("the user's assertion failed");
    }
  }

  @Test void failureCarriesTheTranscript() {
    Events events = run(Failing.class);
    events.assertStatistics(s -> s.failed(1));
    Throwable t = events.failed().stream().findFirst().orElseThrow()
        .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertEquals("the user's assertion failed", t.getMessage(), "the original failure is kept");
    assertEquals(1, t.getSuppressed().length);
    assertInstanceOf(MockSmtpExtension.TranscriptException.class, t.getSuppressed()[0]);
    assertTrue(t.getSuppressed()[0].getMessage().contains("#1 C: EHLO failing.test"), t.getSuppressed()[0].getMessage());
  }

  @ExtendWith(MockSmtpExtension.class)
  static class FailingBeforeAnySession {
    @Test void fails(MockSmtpServer s) {
      throw new IllegalArgumentException("the message has no sender");   // as a send without from fails
    }
  }

  @Test void failureWithoutAnySessionIsTheTestsOwnFailure() {
    Events events = run(FailingBeforeAnySession.class);
    events.assertStatistics(s -> s.failed(1));
    Throwable t = events.failed().stream().findFirst().orElseThrow()
        .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertInstanceOf(IllegalArgumentException.class, t, String.valueOf(t));
    assertEquals("the message has no sender", t.getMessage());
    assertEquals(0, t.getSuppressed().length, "no transcript to attach: nobody connected");
    assertTrue(events.reportingEntryPublished().list().isEmpty(), "no empty report entry");
  }

  @Test void transcriptIsAlsoAReportEntry() {
    Events events = run(Failing.class);
    var entries = events.reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(org.junit.platform.engine.reporting.ReportEntry.class)).toList();
    assertEquals(1, entries.size());
    assertTrue(entries.get(0).getKeyValuePairs().get("mock-smtp-transcript").contains("C: EHLO failing.test"),
        String.valueOf(entries.get(0)));
  }

  @ExtendWith(MockSmtpExtension.class)
  static class FailingBeforeEach {
    @BeforeEach void setUp(MockSmtpServer s) throws Exception {
      try (RawSmtpClient c = new RawSmtpClient(s.host(), s.port())) {
        c.reply();
        c.command("HELO setup.test");
      }
      throw new IllegalStateException("set-up failed");
    }
    @Test void t() { }
  }

  @Test void failureInBeforeEachCarriesTheTranscriptToo() {
    Events events = run(FailingBeforeEach.class);
    Throwable t = events.failed().stream().findFirst().orElseThrow()
        .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertEquals("set-up failed", t.getMessage());
    assertTrue(t.getSuppressed()[0].getMessage().contains("C: HELO setup.test"), t.getSuppressed()[0].getMessage());
  }

  @Test void serverOutsideATestIsAnError() {
    assertThrows(IllegalStateException.class, () -> new MockSmtpExtension().server());
  }
}
