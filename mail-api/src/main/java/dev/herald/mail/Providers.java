package dev.herald.mail;

import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.QueueFactory;
import dev.herald.mail.spi.TransportFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The transports, credential sources and advisors found on the class path with
 * {@link ServiceLoader}. Discover once, at start-up, outside any injector. A provider that fails
 * to load is skipped and reported in {@link #problems()}; two providers of the same name are an
 * {@link InvalidConfigException} naming both classes.
 *
 * @param problems one line per provider that could not be loaded
 * @param queueTypes the queue stores ({@code herald.queues.NAME.type}) by type
 */
public record Providers(Map<String, TransportFactory> transports,
    Map<String, CredentialSourceFactory> credentialSources, List<ProfileAdvisor> advisors,
    List<String> problems, Map<String, QueueFactory> queueTypes) {

  /** Which artifact provides the transports and sources Herald knows of, for error messages. */
  static final Map<String, String> KNOWN_ARTIFACTS = Map.of("smtp", "dev.herald:mail-smtp",
      "memory", "dev.herald:mail-testkit", "file", "dev.herald:mail-api", "oauth2", "dev.herald:mail-oauth2",
      "spool", "dev.herald:mail-queue", "jdbc", "dev.herald:mail-queue");

  public Providers {
    transports = Collections.unmodifiableMap(new TreeMap<>(transports));
    credentialSources = Collections.unmodifiableMap(new TreeMap<>(credentialSources));
    advisors = List.copyOf(advisors);
    problems = List.copyOf(problems);
    queueTypes = Collections.unmodifiableMap(new TreeMap<>(queueTypes));
  }

  /** Without queue stores. */
  public Providers(Map<String, TransportFactory> transports, Map<String, CredentialSourceFactory> credentialSources,
      List<ProfileAdvisor> advisors, List<String> problems) {
    this(transports, credentialSources, advisors, problems, Map.of());
  }

  /** Discovers with the thread's context class loader (or this class's, when there is none). */
  public static Providers discover() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return discover(cl == null ? Providers.class.getClassLoader() : cl);
  }

  public static Providers discover(ClassLoader loader) {
    List<String> problems = new ArrayList<>();
    Map<String, TransportFactory> transports = byName(
        load(TransportFactory.class, loader, problems), TransportFactory::name, "transport");
    Map<String, CredentialSourceFactory> sources = byName(
        load(CredentialSourceFactory.class, loader, problems), CredentialSourceFactory::name, "credential source");
    List<ProfileAdvisor> advisors = load(ProfileAdvisor.class, loader, problems);
    Map<String, QueueFactory> queues = byName(load(QueueFactory.class, loader, problems), QueueFactory::type, "queue type");
    return new Providers(transports, sources, advisors, problems, queues);
  }

  private static <T> List<T> load(Class<T> type, ClassLoader loader, List<String> problems) {
    List<T> found = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) break;
        found.add(it.next());
      } catch (ServiceConfigurationError e) {
        // One broken jar must not take the others down: skip it and say what was wrong.
        problems.add("skipped a " + type.getSimpleName() + " that failed to load: " + e.getMessage());
      }
    }
    return found;
  }

  private static <T> Map<String, T> byName(List<T> list, Function<T, String> name, String kind) {
    Map<String, T> out = new TreeMap<>();
    for (T t : list) {
      T previous = out.putIfAbsent(name.apply(t), t);
      if (previous != null) {
        throw new InvalidConfigException("two " + kind + "s are named '" + name.apply(t) + "': "
            + previous.getClass().getName() + " and " + t.getClass().getName()
            + "; remove one of the jars from the class path");
      }
    }
    return out;
  }

  /** The artifact to add for a transport or source of that name, when Herald knows it. */
  static String artifactHint(String name) {
    String a = KNOWN_ARTIFACTS.get(name);
    return a == null ? "add the jar that provides it to the class path" : "add " + a + " to the class path";
  }
}
