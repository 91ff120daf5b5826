package dev.herald.mail.spi;

import com.typesafe.config.Config;

/**
 * Makes a {@link MessageQueue} from a store's block in {@code herald.queues.NAME}; found with
 * {@link java.util.ServiceLoader} like a {@link TransportFactory}. Its defaults go in the jar's
 * {@code reference.conf} under {@code herald.queue-types.<type>}: the keys found there (and
 * {@code type}) are the keys a store may set.
 */
public interface QueueFactory {

  /** The name a store's {@code type} key selects, such as {@code spool}. */
  String type();

  /**
   * Opens the store. Read every setting eagerly and fail here, naming the key and its origin.
   *
   * @param name the store's name (the key under {@code herald.queues})
   * @param settings the store's block over its type's defaults
   * @param context credentials for stores that need them (a database password), warnings
   * @throws dev.herald.mail.InvalidConfigException when a setting is invalid
   */
  MessageQueue create(String name, Config settings, QueueContext context);
}
