package dev.herald.mail.cli;

import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Mailer;
import dev.herald.mail.Profile;
import dev.herald.mail.queue.Outbox;
import dev.herald.mail.queue.QueuedMessage;
import dev.herald.mail.spi.MessageQueue;
import java.util.function.Supplier;

/** The CLI's side of enqueueing: the profile must name a queue; one line says where the message went. */
final class Queued {
  private Queued() {}

  /** Enqueues and prints the line on {@code out}, or nothing when {@code out} is null. */
  static int enqueue(Mailer mailer, Profile profile, Supplier<String> enqueue, java.io.PrintStream out) {
    MessageQueue queue = mailer.queue().orElseThrow(() -> noQueue(profile));
    String id = enqueue.get();
    if (out != null) {
      String messageId = queue instanceof Outbox o ? o.find(id).map(QueuedMessage::messageId).orElse("") : "";
      out.println("queued " + id + (messageId.isEmpty() ? "" : " " + messageId) + " in " + queue.describe()
          + "; 'herald queue run --profile " + profile.name() + "' delivers it");
    }
    return ExitCodes.OK;
  }

  static InvalidConfigException noQueue(Profile profile) {
    return new InvalidConfigException("profile '" + profile.name() + "' has no queue: add queue = local to it"
        + " (the built-in spool in ~/.local/share/herald/queue), or name a store of herald.queues");
  }
}
