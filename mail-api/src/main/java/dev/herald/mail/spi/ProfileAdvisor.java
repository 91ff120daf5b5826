package dev.herald.mail.spi;

import com.typesafe.config.Config;
import dev.herald.mail.MailException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Provider-specific diagnostics, found with {@link java.util.ServiceLoader}: turns a known server
 * reply into one line that says what to do, and warns about profiles that will not work as meant.
 * The Gmail module explains Gmail's replies this way; no transport has provider special cases.
 */
public interface ProfileAdvisor {

  /**
   * A hint for a failed send, or empty when this advisor has nothing to say.
   *
   * @param profile the effective profile the send used (host, username, preset…)
   */
  Optional<String> explain(MailException failure, Config profile);

  /** Reports warnings about a profile before it is used, e.g. a From that the provider rewrites. */
  default void review(Config profile, Consumer<String> warnings) { }
}
