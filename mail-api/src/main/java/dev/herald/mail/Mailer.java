package dev.herald.mail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.spi.MessageQueue;
import dev.herald.mail.dkim.DkimSigner;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends {@link Email}s through a {@link Transport}, filling in a profile's defaults
 * ({@code from}, {@code reply-to}, {@code headers}). Thread-safe; close it to release the
 * transport's connections.
 *
 * <pre>{@code
 * try (Mailer mailer = Mailer.fromProfile("personal")) {
 *   mailer.send(Email.builder().to("bob@example.net").subject("Hi").text("Hello").build());
 *   mailer.sendAll(newsletters);                  // a batch: one SendOutcome per message
 *   mailer.sendAsync(receipt).thenAccept(...);    // without waiting
 * }
 * }</pre>
 */
public final class Mailer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Mailer.class.getName());

  private final String name;
  private final Transport transport;
  private final Address defaultFrom;
  private final List<Address> defaultReplyTo;
  private final Map<String, String> defaultHeaders;
  private final boolean textFromHtml;
  private final Config profileSettings;
  private final List<ProfileAdvisor> advisors;
  private final MessageQueue queue;
  private final DkimSigner dkim;

  private Mailer(Builder b) {
    this.name = b.name;
    Objects.requireNonNull(b.transport, "transport");
    this.defaultFrom = b.from;
    this.defaultReplyTo = List.copyOf(b.replyTo);
    this.defaultHeaders = Map.copyOf(b.headers);
    this.textFromHtml = b.textFromHtml;
    this.profileSettings = b.profile;
    this.advisors = List.copyOf(b.advisors);
    this.queue = b.queue;
    // The transport signs: whichever way a message comes in, the signature covers what it is handed.
    this.dkim = b.dkim;
    this.transport = b.dkim == null ? b.transport : b.dkim.wrap(b.transport);
  }

  public static Builder builder() { return new Builder(); }

  /** The named profile from the user's config ({@link HeraldConfig#load()}), with every provider on the class path. */
  public static Mailer fromProfile(String name) {
    return MailerFactory.of(Providers.discover(), HeraldConfig.load()).create(name, TraceListener.NONE, Mailer::logWarning);
  }

  /** A profile given as config, such as a test server's {@code profile()}; presets and defaults apply. */
  public static Mailer fromProfile(Config profile) {
    HeraldConfig config = HeraldConfig.defaults();
    return MailerFactory.of(Providers.discover(), config)
        .create(config.profile("custom", profile), TraceListener.NONE, Mailer::logWarning);
  }

  static Mailer forProfile(Profile profile, Transport transport, List<ProfileAdvisor> advisors, DkimSigner dkim,
      MessageQueue queue) {
    Config s = profile.settings();
    Builder b = builder().name(profile.name()).transport(transport).dkim(dkim).queue(queue);
    b.profile = s;
    b.advisors.addAll(advisors);
    try {
      if (s.hasPath("from")) b.from(s.getString("from"));
      if (s.hasPath("reply-to")) {
        ConfigValue v = s.getValue("reply-to");
        if (v.valueType() == ConfigValueType.LIST) s.getStringList("reply-to").forEach(b::replyTo);
        else b.replyTo(s.getString("reply-to"));
      }
      if (s.hasPath("text-from-html")) b.textFromHtml(s.getBoolean("text-from-html"));
      if (s.hasPath("headers")) {
        for (Map.Entry<String, ConfigValue> e : s.getObject("headers").entrySet()) {
          b.header(e.getKey(), String.valueOf(e.getValue().unwrapped()));
        }
      }
    } catch (InvalidMessageException | com.typesafe.config.ConfigException e) {
      transport.close();
      if (queue != null) queue.close();
      throw new InvalidConfigException("profile '" + profile.name() + "': " + e.getMessage(), e);
    }
    return b.build();
  }

  /** Applies the defaults, renders and sends. */
  public SendReceipt send(Email email) {
    Email complete = withDefaults(email);
    return send(Envelope.of(complete), complete.render());
  }

  /** Sends an already rendered (or raw) message with an explicit envelope. */
  public SendReceipt send(Envelope envelope, MessageContent content) {
    try {
      return transport.send(envelope, content);
    } catch (MailException e) {
      throw explained(e);
    }
  }

  /**
   * Sends a raw message ({@link RawEmail}): from the mailer's {@code from}, else the message's From;
   * to its To, Cc and Bcc. The fields it lacks are added (From is the mailer's {@code from}), its Bcc
   * fields are not sent.
   *
   * @throws InvalidMessageException when it names no sender or no recipient
   */
  public SendReceipt send(RawEmail message) {
    Address sender = rawSender(message);
    return send(rawEnvelope(sender, message), message.completed(sender).content());
  }

  /** Stores a raw message in the profile's queue as {@link #send(RawEmail)} would send it; see {@link #enqueue(Email)}. */
  public String enqueue(RawEmail message) {
    MessageQueue q = requireQueue();
    Address sender = rawSender(message);
    return q.enqueue(rawEnvelope(sender, message), message.completed(sender).content());
  }

  private Address rawSender(RawEmail message) {
    return defaultFrom != null ? defaultFrom : message.from().orElseThrow(() ->
        new InvalidMessageException("the message names no sender: add a From field, or set the mailer's from"));
  }

  private static Envelope rawEnvelope(Address sender, RawEmail message) {
    List<String> recipients = message.recipients();
    if (recipients.isEmpty()) throw new InvalidMessageException("the message names no recipient: it has no To, Cc or Bcc");
    return new Envelope(sender.address(), recipients);
  }

  /**
   * Sends without waiting: applies the defaults and renders now (an invalid message throws here),
   * then hands the message to the transport's {@link Transport#sendAsync} (SMTP: its connection pool).
   *
   * @return completes with the receipt, or exceptionally with a {@link MailException}
   */
  public CompletableFuture<SendReceipt> sendAsync(Email email) {
    Email complete = withDefaults(email);
    return sendAsync(Envelope.of(complete), complete.render());
  }

  /** {@link #sendAsync(Email)} for an already rendered (or raw) message with an explicit envelope. */
  public CompletableFuture<SendReceipt> sendAsync(Envelope envelope, MessageContent content) {
    CompletableFuture<SendReceipt> sent;
    try {
      sent = transport.sendAsync(envelope, content);
    } catch (MailException e) {
      return CompletableFuture.failedFuture(explained(e));
    }
    return sent.handle((receipt, failure) -> {
      if (failure == null) return receipt;
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      throw cause instanceof MailException m ? new CompletionException(explained(m)) : new CompletionException(cause);
    });
  }

  /**
   * Sends a batch with the profile's defaults and waits for all of it; one message's failure (an
   * invalid message, a refused recipient list) does not stop the others. Over SMTP the batch is
   * pipelined across messages and spread over {@code max-connections} connections.
   *
   * @return one outcome per email, in the order given
   */
  public List<SendOutcome> sendAll(List<Email> emails) {
    List<SendOutcome> out = new ArrayList<>(java.util.Collections.nCopies(emails.size(), (SendOutcome) null));
    List<Outgoing> batch = new ArrayList<>(emails.size());
    List<Integer> positions = new ArrayList<>(emails.size());
    for (int i = 0; i < emails.size(); i++) {
      try {
        Email complete = withDefaults(emails.get(i));
        batch.add(new Outgoing(Envelope.of(complete), complete.render()));
        positions.add(i);
      } catch (MailException e) {
        out.set(i, new SendOutcome(i, null, e));
      }
    }
    if (!batch.isEmpty()) {
      List<SendOutcome> sent = transport.sendAll(batch);
      for (SendOutcome o : sent) {
        int i = positions.get(o.index());
        out.set(i, o.sent() ? new SendOutcome(i, o.receipt(), null) : new SendOutcome(i, null, explained(o.failure())));
      }
    }
    return out;
  }

  /**
   * Applies the defaults, renders and stores the message in the profile's queue, to be sent later by
   * a worker ({@code OutboxWorker} in {@code dev.herald:mail-queue}, or {@code herald queue run}). A
   * message that cannot be rendered fails here, at once; when this returns the message is durable and
   * its Message-ID is fixed.
   *
   * @return the queue id
   * @throws IllegalStateException when the mailer has no queue (set {@code queue = NAME} in the profile)
   * @throws LocalIoException when the message cannot be stored
   */
  public String enqueue(Email email) {
    MessageQueue q = requireQueue();
    Email complete = withDefaults(email);
    return q.enqueue(Envelope.of(complete), complete.render());
  }

  /** Stores an already rendered (or raw) message with an explicit envelope; see {@link #enqueue(Email)}. */
  public String enqueue(Envelope envelope, MessageContent content) {
    return requireQueue().enqueue(envelope, content);
  }

  /** The profile's queue, when it names one ({@code queue = NAME}). */
  public Optional<MessageQueue> queue() { return Optional.ofNullable(queue); }

  private MessageQueue requireQueue() {
    if (queue == null) {
      throw new IllegalStateException("mailer '" + name + "' has no queue: set queue = NAME in its profile"
          + " (e.g. queue = local, with dev.herald:mail-queue), or Mailer.builder().queue(…)");
    }
    return queue;
  }

  /**
   * The message as it will be sent: the profile's from, reply-to and headers filled in where absent,
   * and its {@code text-from-html} where the message did not decide.
   */
  public Email withDefaults(Email email) {
    boolean noText = !textFromHtml && !email.textFromHtmlDecided();
    if (defaultFrom == null && defaultReplyTo.isEmpty() && defaultHeaders.isEmpty() && !noText) return email;
    Email.Builder b = email.toBuilder();
    if (noText) b.textFromHtml(false);
    if (email.from().isEmpty() && defaultFrom != null) b.from(defaultFrom);
    if (email.replyTo().isEmpty()) b.replyTo(defaultReplyTo);
    for (Map.Entry<String, String> h : defaultHeaders.entrySet()) {
      if (email.headers().keySet().stream().noneMatch(k -> k.equalsIgnoreCase(h.getKey()))) b.header(h.getKey(), h.getValue());
    }
    return b.build();
  }

  /** Connects and checks the way to the server without sending anything; see {@link Transport#check()}. */
  public Map<String, String> check() {
    try {
      return transport.check();
    } catch (MailException e) {
      throw explained(e);
    }
  }

  /** The profile's name ({@code "custom"} for a builder-made mailer). */
  public String name() { return name; }

  public Transport transport() { return transport; }

  /** The DKIM signer of every message this mailer sends, if it signs (for a dry run's output). */
  public Optional<DkimSigner> dkim() { return Optional.ofNullable(dkim); }

  /** The profile's default sender, if it has one. */
  public Optional<Address> defaultFrom() { return Optional.ofNullable(defaultFrom); }

  @Override public void close() {
    try {
      transport.close();
    } finally {
      if (queue != null) queue.close();
    }
  }

  // A provider's advisor knows more than the transport's generic hint, so it is asked first.
  private MailException explained(MailException e) {
    for (ProfileAdvisor a : advisors) {
      Optional<String> hint = a.explain(e, profileSettings);
      if (hint.isPresent()) return e.withHint(hint.get());
    }
    return e;
  }

  private static void logWarning(String w) { LOG.log(System.Logger.Level.WARNING, w); }

  @Override public String toString() { return "Mailer[" + name + " via " + transport.describe() + "]"; }

  /** Builds a {@link Mailer} around a transport made in code. */
  public static final class Builder {
    private String name = "custom";
    private Transport transport;
    private Address from;
    private final List<Address> replyTo = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean textFromHtml = true;
    private Config profile = ConfigFactory.empty();
    private final List<ProfileAdvisor> advisors = new ArrayList<>();
    private MessageQueue queue;
    private DkimSigner dkim;

    private Builder() {}

    public Builder name(String name) { this.name = Objects.requireNonNull(name); return this; }
    public Builder transport(Transport transport) { this.transport = transport; return this; }
    /** The sender used when a message has no From. */
    public Builder from(String address) { this.from = Address.parse(address); return this; }
    public Builder from(Address address) { this.from = address; return this; }
    public Builder replyTo(String addresses) { replyTo.addAll(Address.parseList(addresses)); return this; }
    /** A header added to every message that does not set it. */
    public Builder header(String name, String value) {
      Email.builder().header(name, value); // same validation as on a message
      headers.put(name, value);
      return this;
    }
    public Builder advisor(ProfileAdvisor advisor) { advisors.add(advisor); return this; }
    /** Where {@link Mailer#enqueue} stores messages; closed with the mailer. */
    public Builder queue(MessageQueue queue) { this.queue = queue; return this; }
    /** Signs every message with DKIM, after the defaults are applied and as the transport gets it. */
    public Builder dkim(DkimSigner signer) { this.dkim = signer; return this; }
    /** Whether HTML-only messages get a text alternative made from the HTML, unless a message says (default true). */
    public Builder textFromHtml(boolean on) { this.textFromHtml = on; return this; }

    public Mailer build() {
      if (transport == null) throw new IllegalStateException("Mailer.builder() needs a transport");
      return new Mailer(this);
    }
  }
}
