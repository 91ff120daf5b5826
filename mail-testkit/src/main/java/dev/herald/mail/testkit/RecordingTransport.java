package dev.herald.mail.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Envelope;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code memory} transport: keeps every message in memory instead of sending it, so code wired
 * from config can be tested with {@code transport = memory} and no sockets. Thread-safe.
 *
 * <p><b>Reaching what was recorded.</b> A factory makes a new transport for each profile, so
 * transports of the same {@code name} (a profile key, default {@code "default"}) share one inbox:
 *
 * <pre>{@code
 * // herald.profiles.test { transport = memory, name = signup }   or   RecordingTransport.profile("signup")
 * new SignupService(Mailer.fromProfile(RecordingTransport.profile("signup"))).register("bob@example.net");
 * DeliveredMessage m = RecordingTransport.named("signup").takeMessage(Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>{@link #named(String)} returns a view of that shared inbox; closing a transport closes only
 * that view (it refuses further sends) and never loses what was recorded. Named inboxes live as long
 * as the JVM: use a name per test, or call {@link #clear()} (or {@link #clearAll()}) before each.
 * {@code new RecordingTransport()} gives a private inbox outside the registry, for use without
 * config: {@code Mailer.builder().transport(recording)}.
 */
public final class RecordingTransport implements Transport {
  /** The name used when a profile sets none. */
  public static final String DEFAULT_NAME = "default";

  private static final ConcurrentMap<String, Inbox> REGISTRY = new ConcurrentHashMap<>();

  private final Inbox inbox;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A transport with a private inbox, not reachable by name. */
  public RecordingTransport() { this(new Inbox("private")); }

  private RecordingTransport(Inbox inbox) { this.inbox = inbox; }

  /** A transport on the shared inbox {@code name}, creating the inbox if needed. */
  public static RecordingTransport named(String name) {
    Objects.requireNonNull(name, "name");
    return new RecordingTransport(REGISTRY.computeIfAbsent(name, Inbox::new));
  }

  /** A profile that selects the memory transport with this inbox name, for {@code Mailer.fromProfile(Config)}. */
  public static Config profile(String name) {
    return ConfigFactory.parseMap(Map.of("transport", RecordingTransportFactory.NAME, "name", name),
        "RecordingTransport.profile(\"" + name + "\")");
  }

  /** Empties every named inbox and forgets their scripted failures. */
  public static void clearAll() { REGISTRY.values().forEach(Inbox::clear); }

  /** The inbox name ({@code "private"} for {@code new RecordingTransport()}). */
  public String name() { return inbox.name; }

  @Override public SendReceipt send(Envelope envelope, MessageContent content) {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(content, "content");
    if (closed.get()) throw new IllegalStateException("the memory transport '" + inbox.name + "' is closed");
    MailException failure = inbox.nextFailure();
    if (failure != null) throw failure;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      content.writeTo(out);
    } catch (IOException e) {
      throw new LocalIoException("cannot render the message: " + e.getMessage(), e);
    }
    DeliveredMessage m = new DeliveredMessage(envelope, out.toByteArray());
    inbox.add(m);
    String id = content.messageId().orElse(null);
    return new SendReceipt(id, envelope.recipients(), List.of(), "250 2.0.0 recorded in memory", describe());
  }

  @Override public String describe() { return "memory:" + inbox.name; }

  @Override public Map<String, String> check() {
    return Map.of("transport", describe(), "messages", String.valueOf(messageCount()));
  }

  /** Refuses further sends through this transport; what was recorded stays. Idempotent. */
  @Override public void close() { closed.set(true); }

  public boolean isClosed() { return closed.get(); }

  /** Every message recorded in this inbox, oldest first (taken or not). */
  public List<DeliveredMessage> messages() { return inbox.all(); }

  public int messageCount() { return inbox.all().size(); }

  /** The most recent message, if any. */
  public Optional<DeliveredMessage> lastMessage() {
    List<DeliveredMessage> all = inbox.all();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * Waits up to {@code timeout} for the next message not taken yet, in order.
   *
   * @return the message, or null if none arrived in time
   */
  public DeliveredMessage takeMessage(Duration timeout) throws InterruptedException { return inbox.take(timeout); }

  /** Waits until at least {@code n} messages were recorded; returns them all, or throws {@link AssertionError} on timeout. */
  public List<DeliveredMessage> awaitMessages(int n, Duration timeout) throws InterruptedException {
    return inbox.await(n, timeout);
  }

  /** The next sends throw these, one each, in order (then sending works again); a {@code Failing*} fixture. */
  public RecordingTransport failNext(MailException... failures) {
    inbox.addFailures(List.of(failures));
    return this;
  }

  /** Empties the inbox and forgets scripted failures. */
  public void clear() { inbox.clear(); }

  @Override public String toString() {
    return "RecordingTransport[" + inbox.name + ", " + messageCount() + " messages" + (closed.get() ? ", closed" : "") + "]";
  }

  private static final class Inbox {
    final String name;
    private final List<DeliveredMessage> all = new ArrayList<>();
    private final Deque<DeliveredMessage> untaken = new ArrayDeque<>();
    private final Deque<MailException> failures = new ArrayDeque<>();

    Inbox(String name) { this.name = name; }

    synchronized void add(DeliveredMessage m) {
      all.add(m);
      untaken.add(m);
      notifyAll();
    }

    synchronized List<DeliveredMessage> all() { return List.copyOf(all); }

    synchronized DeliveredMessage take(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (untaken.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return null;
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return untaken.removeFirst();
    }

    synchronized List<DeliveredMessage> await(int n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (all.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("expected " + n + " messages in '" + name + "' within " + timeout + ", got " + all.size());
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return List.copyOf(all);
    }

    synchronized void addFailures(List<MailException> f) {
      for (MailException e : f) failures.add(Objects.requireNonNull(e, "failure"));
    }

    synchronized MailException nextFailure() { return failures.pollFirst(); }

    synchronized void clear() {
      all.clear();
      untaken.clear();
      failures.clear();
    }
  }
}
