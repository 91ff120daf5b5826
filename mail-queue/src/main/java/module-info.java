/** The durable outbox: the {@code Outbox} SPI, the {@code spool} and {@code jdbc} stores, {@code OutboxWorker}. */
module dev.herald.mail.queue {
  requires transitive dev.herald.mail;
  requires transitive java.sql; // JdbcOutbox's methods take a Connection
  // Loaded by name when a profile says type = jdbc; absent for everyone else.
  requires static org.postgresql.jdbc;

  exports dev.herald.mail.queue;

  provides dev.herald.mail.spi.QueueFactory with
      dev.herald.mail.queue.SpoolOutboxFactory,
      dev.herald.mail.queue.JdbcOutboxFactory;
}
