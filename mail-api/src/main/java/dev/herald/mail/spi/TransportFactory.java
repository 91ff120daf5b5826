package dev.herald.mail.spi;

import com.typesafe.config.Config;

/**
 * Makes a {@link Transport} from a profile; found with {@link java.util.ServiceLoader}, so a jar
 * that lists its factory in {@code META-INF/services/dev.herald.mail.spi.TransportFactory} plugs in
 * with no change to Herald. Its defaults go in the jar's {@code reference.conf} under
 * {@code herald.transports.<name>}: the keys found there are the keys a profile may set.
 *
 * <p>The constructor must be cheap and free of I/O: every factory on the class path is created
 * at start-up.
 */
public interface TransportFactory {

  /** The name a profile's {@code transport} key selects, such as {@code smtp}. */
  String name();

  /**
   * Creates a transport. Read every setting eagerly and fail here, naming the key and its origin,
   * rather than at the first send.
   *
   * @param profile the effective profile: the user's keys over the preset over the transport defaults
   * @throws dev.herald.mail.InvalidConfigException when a setting is invalid
   */
  Transport create(Config profile, TransportContext context);
}
