package dev.herald.mail;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.TransportFactory;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Binds what {@link Providers#discover()} found: a {@code MapBinder<String, TransportFactory>},
 * a {@code MapBinder<String, CredentialSourceFactory>}, the advisors and the configuration, so
 * that {@link MailerFactory} can be injected. No I/O and no decisions here: a profile's
 * {@code transport} key picks the factory later. Guice is an optional dependency of mail-api.
 */
public final class MailModule extends AbstractModule {
  private final Providers providers;
  private final HeraldConfig config;

  public MailModule(Providers providers, HeraldConfig config) {
    this.providers = Objects.requireNonNull(providers);
    this.config = Objects.requireNonNull(config);
  }

  @Override protected void configure() {
    MapBinder<String, TransportFactory> transports =
        MapBinder.newMapBinder(binder(), String.class, TransportFactory.class);
    providers.transports().forEach((name, f) -> transports.addBinding(name).toInstance(f));
    MapBinder<String, CredentialSourceFactory> sources =
        MapBinder.newMapBinder(binder(), String.class, CredentialSourceFactory.class);
    providers.credentialSources().forEach((name, f) -> sources.addBinding(name).toInstance(f));
    Multibinder<ProfileAdvisor> advisors = Multibinder.newSetBinder(binder(), ProfileAdvisor.class);
    providers.advisors().forEach(a -> advisors.addBinding().toInstance(a));
    bind(HeraldConfig.class).toInstance(config);
    bind(Providers.class).toInstance(providers);
    // A provider, not the @Inject constructor: a constructor binding makes Guice probe the class
    // path for its Kotlin support, a failed class lookup through every jar (start-up time).
    Provider<Map<String, TransportFactory>> transportMap = getProvider(new Key<Map<String, TransportFactory>>() {});
    Provider<Map<String, CredentialSourceFactory>> sourceMap =
        getProvider(new Key<Map<String, CredentialSourceFactory>>() {});
    Provider<Set<ProfileAdvisor>> advisorSet = getProvider(new Key<Set<ProfileAdvisor>>() {});
    bind(MailerFactory.class).toProvider(() -> new MailerFactory(transportMap.get(), sourceMap.get(), advisorSet.get(),
        providers.queueTypes(), config)).in(Singleton.class);
  }
}
