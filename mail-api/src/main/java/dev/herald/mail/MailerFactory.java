package dev.herald.mail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import dev.herald.mail.dkim.DkimSigner;
import dev.herald.mail.internal.CredentialResolver;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.MessageQueue;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.QueueContext;
import dev.herald.mail.spi.QueueFactory;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Makes a {@link Mailer} for a profile: picks the transport factory by the profile's
 * {@code transport} key, resolves its credentials, and lets advisors review it. Usable with or
 * without Guice ({@link MailModule} binds its maps).
 */
public final class MailerFactory {
  private final Map<String, TransportFactory> transports;
  private final Map<String, CredentialSourceFactory> sources;
  private final List<ProfileAdvisor> advisors;
  private final Map<String, QueueFactory> queueTypes;
  private final HeraldConfig config;

  /** Without queue stores: a profile that names a {@code queue} is a config error. */
  @Inject
  public MailerFactory(Map<String, TransportFactory> transports, Map<String, CredentialSourceFactory> sources,
      Set<ProfileAdvisor> advisors, HeraldConfig config) {
    this(transports, sources, advisors, Map.of(), config);
  }

  public MailerFactory(Map<String, TransportFactory> transports, Map<String, CredentialSourceFactory> sources,
      Set<ProfileAdvisor> advisors, Map<String, QueueFactory> queueTypes, HeraldConfig config) {
    this.transports = new TreeMap<>(transports);
    this.sources = new TreeMap<>(sources);
    this.advisors = List.copyOf(advisors);
    this.queueTypes = new TreeMap<>(queueTypes);
    this.config = config;
  }

  /**
   * Without an injector: everything discovered on the class path, wired as {@link MailModule} does
   * (advisors in the order they were found, as Guice's set binding keeps them).
   */
  public static MailerFactory of(Providers providers, HeraldConfig config) {
    return new MailerFactory(providers.transports(), providers.credentialSources(),
        new java.util.LinkedHashSet<>(providers.advisors()), providers.queueTypes(), config);
  }

  public HeraldConfig config() { return config; }

  /** The named profile's mailer; {@code null} or blank means the default profile. */
  public Mailer create(String profileName, TraceListener trace, Consumer<String> warnings) {
    String name = profileName == null || profileName.isBlank() ? config.defaultProfileName() : profileName;
    return create(config.profile(name), trace, warnings);
  }

  public Mailer create(Profile profile, TraceListener trace, Consumer<String> warnings) {
    TransportFactory factory = transports.get(profile.transport());
    if (factory == null) {
      throw new InvalidConfigException("unknown transport '" + profile.transport() + "' in profile '"
          + profile.name() + "' at " + profile.settings().getValue("transport").origin().description()
          + "; known transports: " + String.join(", ", transports.keySet()) + " ("
          + Providers.artifactHint(profile.transport()) + ")");
    }
    Consumer<String> warn = warnings == null ? w -> { } : warnings;
    for (ProfileAdvisor a : advisors) a.review(profile.settings(), warn);
    Credentials credentials = credentials(profile, warn);
    // The key is read before the transport is made: a bad one fails with nothing to close.
    DkimSigner dkim = profile.settings().hasPath("dkim") ? DkimSigner.fromConfig(profile.settings().getValue("dkim"),
        "herald.profiles." + profile.name() + ".dkim", new CredentialResolver(sources, warn)) : null;
    // The store is opened (settings read, no I/O) before the transport, so that a bad queue block fails alone.
    MessageQueue queue = queueName(profile) == null ? null : queue(queueName(profile), warn);
    Transport transport;
    try {
      transport = factory.create(profile.settings(), new TransportContext(credentials, trace, warn));
    } catch (RuntimeException e) {
      if (queue != null) queue.close();
      throw e;
    }
    return Mailer.forProfile(profile, transport, advisors, dkim, queue);
  }

  /** The store a profile's {@code queue} key names, or null when it names none. */
  public static String queueName(Profile profile) {
    Config s = profile.settings();
    return s.hasPath("queue") ? s.getString("queue") : null;
  }

  /**
   * Opens the store {@code herald.queues.NAME}: its {@code type} picks the {@link QueueFactory}, whose
   * defaults ({@code herald.queue-types.TYPE}) say which keys it may set.
   *
   * @throws InvalidConfigException for an unknown store, type or key, naming the choices
   */
  public MessageQueue queue(String name, Consumer<String> warnings) {
    Config root = config.root();
    String path = ConfigUtil.joinPath("herald", "queues", name);
    Set<String> known = root.hasPath("herald.queues") ? new TreeSet<>(root.getObject("herald.queues").keySet()) : Set.of();
    if (!root.hasPath(path) || !(root.getValue(path) instanceof ConfigObject)) {
      throw new InvalidConfigException("unknown queue '" + name + "'; known queues (herald.queues): "
          + (known.isEmpty() ? "none (add dev.herald:mail-queue for the built-in 'local' spool)" : String.join(", ", known)));
    }
    Config block = root.getConfig(path);
    if (!block.hasPath("type")) {
      throw new InvalidConfigException("queue '" + name + "' at " + block.root().origin().description()
          + " names no type: set type = spool (a directory) or type = jdbc (PostgreSQL)");
    }
    String type = block.getString("type");
    QueueFactory factory = queueTypes.get(type);
    if (factory == null) {
      throw new InvalidConfigException("unknown queue type '" + type + "' in " + path + " at "
          + block.getValue("type").origin().description() + "; known types: "
          + (queueTypes.isEmpty() ? "none" : String.join(", ", queueTypes.keySet())) + " (" + Providers.artifactHint(type) + ")");
    }
    String defaultsPath = ConfigUtil.joinPath("herald", "queue-types", type);
    Config defaults = root.hasPath(defaultsPath) ? root.getConfig(defaultsPath) : ConfigFactory.empty();
    for (String key : block.root().keySet()) {
      if (!key.equals("type") && !defaults.root().containsKey(key)) {
        Set<String> keys = new TreeSet<>(defaults.root().keySet());
        keys.add("type");
        throw new InvalidConfigException("unknown key '" + key + "' in " + path + " at "
            + block.getValue(key).origin().description() + "; keys of queue type " + type + ": " + String.join(", ", keys));
      }
    }
    Consumer<String> warn = warnings == null ? w -> { } : warnings;
    return factory.create(name, block.withFallback(defaults), new QueueContext(resolver(warn)));
  }

  /** The profile's credentials, for commands that need them without a transport. */
  public Credentials credentials(Profile profile, Consumer<String> warnings) {
    return new CredentialResolver(sources, warnings == null ? w -> { } : warnings).credentials(profile);
  }

  /** A resolver for nested secrets, for flows such as OAuth2 authorization. */
  public CredentialSourceFactory.Resolver resolver(Consumer<String> warnings) {
    return new CredentialResolver(sources, warnings == null ? w -> { } : warnings);
  }
}
