package dev.herald.mail;

import dev.herald.mail.dkim.DkimSigner;
import dev.herald.mail.internal.CredentialResolver;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
  private final HeraldConfig config;

  @Inject
  public MailerFactory(Map<String, TransportFactory> transports, Map<String, CredentialSourceFactory> sources,
      Set<ProfileAdvisor> advisors, HeraldConfig config) {
    this.transports = new TreeMap<>(transports);
    this.sources = new TreeMap<>(sources);
    this.advisors = List.copyOf(advisors);
    this.config = config;
  }

  /** Without an injector: everything discovered on the class path. */
  public static MailerFactory of(Providers providers, HeraldConfig config) {
    return new MailerFactory(providers.transports(), providers.credentialSources(),
        Set.copyOf(providers.advisors()), config);
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
    Transport transport = factory.create(profile.settings(), new TransportContext(credentials, trace, warn));
    return Mailer.forProfile(profile, transport, advisors, dkim);
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
