package dev.herald.mail.testkit.junit5;

import dev.herald.mail.testkit.MockSmtpServer;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Gives each test a started {@link MockSmtpServer} and closes it afterwards: as a parameter of
 * the test (or of a {@code @BeforeEach} method) or in a field of that type. A failed test fails
 * with its own exception; when a client talked to the server, the transcript is attached to it (as a
 * suppressed exception, so it shows under the stack trace) and published as a report entry.
 *
 * <pre>{@code
 * @ExtendWith(MockSmtpExtension.class)       // or @MockSmtp(users = "bob:secret")
 * class WelcomeMailTest {
 *   @Test void sendsWelcome(MockSmtpServer smtp) throws Exception { … smtp.takeMessage(…) … }
 * }
 *
 * class SharedServerTest {                    // programmatic, one server for the class
 *   @RegisterExtension static MockSmtpExtension smtp =
 *       new MockSmtpExtension(MockSmtpServer.builder().user("bob", "secret")).perClass();
 *   @Test void a() { smtp.server().profile(); }
 * }
 * }</pre>
 *
 * <p>Scope: a fresh server per test, unless the extension is {@link #perClass()}, the class says
 * {@code @MockSmtp(scope = CLASS)}, or the class has a static {@code MockSmtpServer} field. A class
 * server keeps its messages and script between tests. Configuration: see {@link MockSmtp}.
 */
public final class MockSmtpExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MockSmtpExtension.class);
  private static final String KEY = "server";
  private static final int TRANSCRIPT_LINES = 300;

  private final Supplier<MockSmtpServer.Builder> builder;
  private final boolean perClass;
  private volatile MockSmtpServer current;

  /** Servers configured by {@link MockSmtp} annotations, or the defaults. */
  public MockSmtpExtension() { this(null, false); }

  /** Servers built from {@code builder} (it is reused: each test's server copies its settings). */
  public MockSmtpExtension(MockSmtpServer.Builder builder) { this(() -> builder, false); }

  private MockSmtpExtension(Supplier<MockSmtpServer.Builder> builder, boolean perClass) {
    this.builder = builder;
    this.perClass = perClass;
  }

  /** The same extension with one server for the whole test class. */
  public MockSmtpExtension perClass() { return new MockSmtpExtension(builder, true); }

  /**
   * The server of the running test (or class), starting it if needed; for extensions registered
   * with {@code @RegisterExtension}. With parallel test execution use a parameter instead.
   */
  public MockSmtpServer server() {
    MockSmtpServer s = current;
    if (s == null) throw new IllegalStateException("no test is running with this extension");
    return s;
  }

  @Override public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    Class<?> testClass = context.getRequiredTestClass();
    if (!classScoped(testClass)) return;
    MockSmtpServer s = serverFor(context, null);
    for (Field f : serverFields(testClass)) {
      if (Modifier.isStatic(f.getModifiers())) set(f, null, s);
    }
  }

  @Override public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    Object instance = context.getRequiredTestInstance();
    List<Field> fields = new ArrayList<>();
    for (Field f : serverFields(context.getRequiredTestClass())) if (!Modifier.isStatic(f.getModifiers())) fields.add(f);
    if (classScoped(context.getRequiredTestClass())) {
      current = serverFor(context, null);
    } else if (!fields.isEmpty() || builder != null) {
      current = serverFor(context, fields.isEmpty() ? null : fields.get(0));
    }
    for (Field f : fields) set(f, instance, serverFor(context, f));
  }

  @Override public void afterEach(ExtensionContext context) {
    if (!classScoped(context.getRequiredTestClass())) {
      MockSmtpServer s = context.getStore(NS).remove(KEY, MockSmtpServer.class);
      if (s != null) s.close();
      current = null;
    }
  }

  @Override public void afterAll(ExtensionContext context) {
    MockSmtpServer s = context.getStore(NS).remove(KEY, MockSmtpServer.class);
    if (s != null) s.close();
    current = null;
  }

  @Override public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    return p.getParameter().getType() == MockSmtpServer.class;
  }

  @Override public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    try {
      MockSmtpServer s = serverFor(context, p.getParameter());
      if (context.getTestMethod().isPresent() || classScoped(context.getRequiredTestClass())) current = s;
      return s;
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("cannot start the MockSmtpServer: " + e.getMessage(), e);
    }
  }

  @Override public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withTranscript(context, failure);
  }

  @Override public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withTranscript(context, failure);
  }

  @Override public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withTranscript(context, failure);
  }

  /**
   * The test's own failure, with the transcript attached when there is one. Nothing here may
   * replace the failure: a problem while attaching is itself attached as suppressed.
   */
  private Throwable withTranscript(ExtensionContext context, Throwable failure) {
    try {
      MockSmtpServer s = findServer(context);
      if (s == null) return failure;
      List<String> lines = s.transcript();
      if (lines.isEmpty()) return failure;   // nobody connected: nothing to show
      int from = Math.max(0, lines.size() - TRANSCRIPT_LINES);
      String text = (from > 0 ? "… " + from + " earlier lines\n" : "") + String.join("\n", lines.subList(from, lines.size()));
      failure.addSuppressed(new TranscriptException(s + " transcript:\n" + text));
      if (!text.isBlank()) context.publishReportEntry("mock-smtp-transcript", text);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  /** The failure's companion that carries the server's transcript; no stack trace of its own. */
  public static final class TranscriptException extends Exception {
    private static final long serialVersionUID = 1L;

    TranscriptException(String transcript) { super(transcript, null, false, false); }
  }

  // ---- internals ----

  private MockSmtpServer findServer(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      MockSmtpServer s = c.get().getStore(NS).get(KEY, MockSmtpServer.class);
      if (s != null) return s;
    }
    return null;
  }

  /** The server for this test (or class), created and started on first demand. */
  private MockSmtpServer serverFor(ExtensionContext context, AnnotatedElement requester) {
    ExtensionContext owner = classScoped(context.getRequiredTestClass()) ? classContext(context) : context;
    ExtensionContext.Store store = owner.getStore(NS);
    MockSmtpServer existing = store.get(KEY, MockSmtpServer.class);
    if (existing != null) return existing;
    MockSmtpServer s = configure(owner == context ? context : owner, requester).build().start();
    store.put(KEY, s);
    return s;
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) c = c.getParent().get();
    return c;
  }

  private MockSmtpServer.Builder configure(ExtensionContext context, AnnotatedElement requester) {
    MockSmtp a = null;
    if (requester != null) a = requester.getAnnotation(MockSmtp.class);
    if (a == null && context.getTestMethod().isPresent()) a = context.getTestMethod().get().getAnnotation(MockSmtp.class);
    if (a == null) a = classAnnotation(context.getRequiredTestClass());
    if (a == null && builder != null) return builder.get();
    MockSmtpServer.Builder b = MockSmtpServer.builder();
    if (a == null) return b;
    if (a.gmailLike()) b.gmailLike();
    b.tls(a.tls()).authMechanisms(a.authMechanisms()).pipelining(a.pipelining()).chunking(a.chunking()).smtpUtf8(a.smtpUtf8());
    if (a.wrongHostCertificate()) b.wrongHostCertificate();
    if (a.requireTls()) b.requireTls(true);
    if (a.authOnlyAfterTls()) b.authOnlyAfterTls(true);
    for (String u : a.users()) {
      String[] kv = split(u, "users");
      b.user(kv[0], kv[1]);
    }
    for (String t : a.tokens()) {
      String[] kv = split(t, "tokens");
      b.token(kv[0], kv[1]);
    }
    return b;
  }

  private static String[] split(String pair, String attribute) {
    int colon = pair.indexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("@MockSmtp(" + attribute + ") expects \"name:secret\", got \"" + pair + "\"");
    return new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
  }

  private static MockSmtp classAnnotation(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      MockSmtp a = k.getAnnotation(MockSmtp.class);
      if (a != null) return a;
    }
    return null;
  }

  private boolean classScoped(Class<?> testClass) {
    if (perClass) return true;
    MockSmtp a = classAnnotation(testClass);
    if (a != null && a.scope() == MockSmtp.Scope.CLASS) return true;
    for (Field f : serverFields(testClass)) if (Modifier.isStatic(f.getModifiers())) return true;
    return false;
  }

  private static List<Field> serverFields(Class<?> testClass) {
    List<Field> out = new ArrayList<>();
    for (Class<?> k = testClass; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (f.getType() == MockSmtpServer.class && !Modifier.isFinal(f.getModifiers())) out.add(f);
      }
    }
    return out;
  }

  private static void set(Field f, Object target, MockSmtpServer s) throws IllegalAccessException {
    f.setAccessible(true);
    f.set(target, s);
  }
}
