package dev.herald.mail.queue;

import dev.herald.mail.Address;
import dev.herald.mail.Email;
import dev.herald.mail.Mailer;
import dev.herald.mail.Envelope;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.queue.QueuedMessage.State;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The {@code jdbc} store: a PostgreSQL table ({@code herald_outbox}, created on first use; the SQL
 * ships as {@code dev/herald/mail/queue/herald_outbox.sql} for your own migrations). Workers on any
 * number of machines claim due messages with {@code SELECT … FOR UPDATE SKIP LOCKED} and a lease;
 * an application enqueues {@linkplain #enqueue(Connection, Envelope, MessageContent) inside its own
 * transaction}, so that its data and the message commit together or not at all (the transactional
 * outbox). Needs the PostgreSQL JDBC driver ({@code org.postgresql:postgresql}) on the class path.
 */
public final class JdbcOutbox implements Outbox {
  /** Opens a connection to the database; called when the outbox needs one more. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection open() throws SQLException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String COLUMNS = "id, message_id, state, sender, pending, delivered, failed, failed_reasons, created,"
      + " attempts, next_attempt, last_error, history, worker, size";

  private final String name;
  private final String describe;
  private final ConnectionSource source;
  private final Duration lease;
  private final String worker;
  private final BlockingQueue<Connection> idle;
  private volatile boolean schemaReady;
  private volatile boolean closed;

  private JdbcOutbox(String name, String describe, ConnectionSource source, Duration lease, int connections) {
    this.name = Objects.requireNonNull(name);
    this.describe = describe;
    this.source = Objects.requireNonNull(source);
    if (lease.isNegative() || lease.isZero()) throw new IllegalArgumentException("lease must be positive");
    this.lease = lease;
    this.idle = new ArrayBlockingQueue<>(Math.max(1, connections));
    this.worker = ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits((short) RANDOM.nextInt()) + "@"
        + hostName();
  }

  /**
   * @param describe where the store is, without credentials (a JDBC URL without its password)
   * @param connections how many idle connections to keep for reuse
   */
  public static JdbcOutbox open(String name, String describe, ConnectionSource source, Duration lease, int connections) {
    return new JdbcOutbox(name, describe, source, lease, connections);
  }

  public String worker() { return worker; }

  @Override public String describe() { return name + " (jdbc " + describe + ")"; }

  @Override public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) quietly(c);
  }

  // ------------------------------------------------------------------ connections

  private interface Work<T> { T run(Connection c) throws SQLException, IOException; }

  /** Runs {@code work} in a transaction of its own on a pooled connection. */
  private <T> T tx(String what, Work<T> work) {
    Connection c = null;
    try {
      c = borrow();
      ensureSchema(c);
      c.setAutoCommit(false);
      T result = work.run(c);
      c.commit();
      release(c);
      return result;
    } catch (SQLException | IOException e) {
      if (c != null) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is dropped below
        }
        quietly(c);
      }
      throw failure(what, e);
    }
  }

  private LocalIoException failure(String what, Exception e) {
    return new LocalIoException("cannot " + what + " in queue " + name + " (" + describe + "): " + e.getMessage(),
        dev.herald.mail.Stage.LOCAL, 0, null, null, "nothing was changed; check that the database is reachable", e);
  }

  private Connection borrow() throws SQLException {
    Connection c = idle.poll();
    if (c != null && !c.isClosed()) return c;
    return source.open();
  }

  private void release(Connection c) {
    if (closed || !idle.offer(c)) quietly(c);
  }

  private static void quietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }

  /** Creates the table on first use; an advisory lock keeps two processes from racing to create it. */
  private void ensureSchema(Connection c) throws SQLException, IOException {
    if (schemaReady) return;
    String sql;
    try (InputStream in = JdbcOutbox.class.getResourceAsStream("herald_outbox.sql")) {
      sql = new String(Objects.requireNonNull(in, "herald_outbox.sql").readAllBytes(), StandardCharsets.UTF_8);
    }
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(hashtext('herald_outbox'))");
      for (String stmt : sql.replaceAll("(?m)--.*$", "").split(";")) if (!stmt.isBlank()) s.execute(stmt);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
    schemaReady = true;
  }

  // ------------------------------------------------------------------ enqueue

  @Override public String enqueue(Envelope envelope, MessageContent content) {
    return tx("store the message", c -> insert(c, envelope, content));
  }

  /**
   * Stores the message through the caller's connection and in the caller's transaction: it is
   * queued when the caller commits, and never if the caller rolls back. The connection is not
   * committed, closed or otherwise changed here. The table must exist (it does once any outbox on
   * this database was used, or after the migration file was run).
   *
   * @return the queue id
   * @throws LocalIoException when the insert fails (the caller's transaction is then to be rolled back)
   */
  public String enqueue(Connection connection, Envelope envelope, MessageContent content) {
    try {
      ensureSchema(connection);
      return insert(connection, envelope, content);
    } catch (SQLException | IOException e) {
      throw failure("store the message", e);
    }
  }

  /**
   * {@link #enqueue(Connection, Envelope, MessageContent)} for an {@link Email}: the mailer's profile
   * defaults applied and the message rendered first, as {@link Mailer#enqueue(Email)} does.
   */
  public String enqueue(Connection connection, Mailer mailer, Email email) {
    Email complete = mailer.withDefaults(email);
    return enqueue(connection, Envelope.of(complete), complete.render());
  }

  private String insert(Connection c, Envelope envelope, MessageContent content) throws SQLException, IOException {
    String messageId = content.messageId().orElse(null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (messageId == null) {
      Address domainOf = envelope.sender().isEmpty() ? Address.parse("herald@localhost") : Address.parse(envelope.sender());
      messageId = Email.newMessageId(domainOf);
      bytes.write(("Message-ID: " + messageId + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    content.writeTo(bytes);
    byte[] message = bytes.toByteArray();
    try (PreparedStatement p = c.prepareStatement("INSERT INTO herald_outbox (message_id, sender, pending, history, eightbit,"
        + " smtputf8, size, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      p.setString(1, messageId);
      p.setString(2, envelope.sender());
      p.setArray(3, c.createArrayOf("text", envelope.recipients().toArray()));
      p.setArray(4, c.createArrayOf("text", new Object[] {stamp(Instant.now()) + " queued for " + envelope.recipients().size()
          + " recipient(s)"}));
      p.setBoolean(5, content.has8bit());
      p.setBoolean(6, content.requiresSmtpUtf8());
      p.setLong(7, message.length);
      p.setBytes(8, message);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return Long.toString(rs.getLong(1));
      }
    }
  }

  // ------------------------------------------------------------------ claim and record

  private record JdbcClaim(QueuedMessage message, MessageContent content) implements Claim { }

  @Override public Optional<Claim> claim() {
    return tx("claim a message", c -> {
      // Due messages, and active ones whose worker let the lease lapse (it was killed): one of them, skipping
      // rows other workers hold locked, so that workers never wait on each other nor take the same row.
      try (PreparedStatement p = c.prepareStatement("UPDATE herald_outbox SET state = 'active', worker = ?,"
          + " lease_until = now() + make_interval(secs => ?) WHERE id = (SELECT id FROM herald_outbox"
          + " WHERE (state IN ('queued', 'deferred') AND next_attempt <= now()) OR (state = 'active' AND lease_until < now())"
          + " ORDER BY next_attempt, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS + ", eightbit, smtputf8, message")) {
        p.setString(1, worker);
        p.setDouble(2, lease.toMillis() / 1000.0);
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) return Optional.<Claim>empty();
          QueuedMessage m = row(rs);
          byte[] message = rs.getBytes("message");
          return Optional.<Claim>of(new JdbcClaim(m, new HeldContent(message, m.messageId(), rs.getBoolean("eightbit"),
              rs.getBoolean("smtputf8"))));
        }
      }
    });
  }

  @Override public void record(Claim claim, Outcome outcome) {
    QueuedMessage m = claim.message();
    int changed = tx("record the attempt on " + m.id(), c -> {
      if (outcome.done() && m.failed().isEmpty()) {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM herald_outbox WHERE id = ? AND worker = ? AND state = 'active'")) {
          p.setLong(1, Long.parseLong(m.id()));
          p.setString(2, worker);
          return p.executeUpdate();
        }
      }
      List<String> delivered = new ArrayList<>(m.delivered());
      delivered.addAll(outcome.accepted());
      Map<String, String> failed = new LinkedHashMap<>(m.failed());
      failed.putAll(outcome.failed());
      boolean deferred = !outcome.pending().isEmpty();
      try (PreparedStatement p = c.prepareStatement("UPDATE herald_outbox SET state = ?, pending = ?, delivered = ?, failed = ?,"
          + " failed_reasons = ?, attempts = attempts + 1, next_attempt = COALESCE(?, next_attempt), last_error = COALESCE(?, last_error),"
          + " history = history || ?, worker = NULL, lease_until = NULL WHERE id = ? AND worker = ? AND state = 'active'")) {
        p.setString(1, deferred ? "deferred" : "failed");
        p.setArray(2, c.createArrayOf("text", outcome.pending().toArray()));
        p.setArray(3, c.createArrayOf("text", delivered.toArray()));
        p.setArray(4, c.createArrayOf("text", failed.keySet().toArray()));
        p.setArray(5, c.createArrayOf("text", failed.values().toArray()));
        p.setTimestamp(6, outcome.nextAttempt() == null ? null : Timestamp.from(outcome.nextAttempt()));
        p.setString(7, outcome.error());
        p.setArray(8, c.createArrayOf("text", new Object[] {stamp(Instant.now()) + " attempt " + (m.attempts() + 1) + ": "
            + outcome.summary()}));
        p.setLong(9, Long.parseLong(m.id()));
        p.setString(10, worker);
        return p.executeUpdate();
      }
    });
    if (changed == 0) {
      throw new LocalIoException("cannot record the attempt on " + m.id() + " in queue " + name
          + ": the claim expired and another worker took the message");
    }
  }

  @Override public void renew() {
    tx("renew the lease of worker " + worker, c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE herald_outbox SET lease_until = now() + make_interval(secs => ?)"
          + " WHERE state = 'active' AND worker = ?")) {
        p.setDouble(1, lease.toMillis() / 1000.0);
        p.setString(2, worker);
        return p.executeUpdate();
      }
    });
  }

  /** Expired claims are taken back by {@link #claim()} itself; this makes them visible as queued for {@code list}. */
  @Override public int recoverExpired() {
    return tx("take back expired claims", c -> update(c, "UPDATE herald_outbox SET state = 'queued', worker = NULL,"
        + " lease_until = NULL, next_attempt = now() WHERE state = 'active' AND lease_until < now()"));
  }

  // ------------------------------------------------------------------ inspect and operate

  @Override public List<QueuedMessage> list() {
    return tx("list the queue", c -> {
      List<QueuedMessage> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM herald_outbox ORDER BY id")) {
        while (rs.next()) out.add(row(rs));
      }
      return out;
    });
  }

  @Override public Optional<QueuedMessage> find(String id) {
    long key = key(id);
    return tx("read the queue", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM herald_outbox WHERE id = ?")) {
        p.setLong(1, key);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.<QueuedMessage>empty();
        }
      }
    });
  }

  @Override public boolean retry(String id) {
    long key = key(id);
    return tx("retry " + id, c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE herald_outbox SET state = 'queued', next_attempt = now(),"
          + " pending = pending || ARRAY(SELECT unnest(failed) EXCEPT SELECT unnest(pending)), failed = '{}', failed_reasons = '{}',"
          + " history = history || ? WHERE id = ? AND state IN ('failed', 'deferred')")) {
        p.setArray(1, c.createArrayOf("text", new Object[] {stamp(Instant.now()) + " retry requested"}));
        p.setLong(2, key);
        return p.executeUpdate() == 1;
      }
    });
  }

  @Override public int retryAll() {
    int n = 0;
    for (QueuedMessage m : list()) {
      if ((m.state() == State.FAILED || m.state() == State.DEFERRED) && retry(m.id())) n++;
    }
    return n;
  }

  @Override public int flush() {
    return tx("flush the queue", c -> update(c, "UPDATE herald_outbox SET next_attempt = now() WHERE state = 'deferred'"));
  }

  @Override public boolean remove(String id) {
    long key = key(id);
    return tx("remove " + id, c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM herald_outbox WHERE id = ? AND (state <> 'active' OR lease_until < now())"
          + " RETURNING id")) {
        p.setLong(1, key);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) return true;
        }
      }
      try (PreparedStatement p = c.prepareStatement("SELECT worker FROM herald_outbox WHERE id = ?")) {
        p.setLong(1, key);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) throw new IllegalStateException(id + " is being sent by worker " + rs.getString(1) + "; try again when it is done");
        }
      }
      return false;
    });
  }

  @Override public Stats stats() {
    return tx("read the queue", c -> {
      int[] n = new int[4];
      Instant oldest = null;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT CASE WHEN state = 'deferred' AND next_attempt <= now() THEN 'queued' ELSE state END, count(*), min(created)"
              + " FROM herald_outbox GROUP BY 1")) {
        while (rs.next()) {
          n[State.valueOf(rs.getString(1).toUpperCase(java.util.Locale.ROOT)).ordinal()] += rs.getInt(2);
          Instant t = rs.getTimestamp(3).toInstant();
          if (oldest == null || t.isBefore(oldest)) oldest = t;
        }
      }
      return new Stats(n[0], n[1], n[2], n[3], oldest);
    });
  }

  // ------------------------------------------------------------------ rows

  private static int update(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  private static QueuedMessage row(ResultSet rs) throws SQLException {
    String state = rs.getString("state");
    Instant next = rs.getTimestamp("next_attempt").toInstant();
    State s = State.valueOf(state.toUpperCase(java.util.Locale.ROOT));
    if (s == State.DEFERRED && !next.isAfter(Instant.now())) s = State.QUEUED;
    Map<String, String> failed = new LinkedHashMap<>();
    List<String> f = strings(rs.getArray("failed"));
    List<String> why = strings(rs.getArray("failed_reasons"));
    for (int i = 0; i < f.size(); i++) failed.put(f.get(i), i < why.size() ? why.get(i) : "");
    return new QueuedMessage(Long.toString(rs.getLong("id")), rs.getString("message_id"), s, rs.getString("sender"),
        strings(rs.getArray("pending")), strings(rs.getArray("delivered")), failed, rs.getTimestamp("created").toInstant(),
        rs.getInt("attempts"), s == State.DEFERRED ? next : null, rs.getString("last_error"), strings(rs.getArray("history")),
        rs.getLong("size"), s == State.ACTIVE ? rs.getString("worker") : null);
  }

  private static List<String> strings(Array a) throws SQLException {
    if (a == null) return List.of();
    return Arrays.stream((Object[]) a.getArray()).map(String::valueOf).toList();
  }

  private static long key(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a queue id: '" + id + "'");
    }
  }

  private static String stamp(Instant t) { return t.truncatedTo(ChronoUnit.SECONDS).toString(); }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** A claimed message's bytes, held for the attempt (a retry inside the transport writes them again). */
  private record HeldContent(byte[] bytes, String id, boolean eightBit, boolean smtpUtf8) implements MessageContent {
    @Override public void writeTo(OutputStream out) throws IOException { out.write(bytes); }
    @Override public long size() { return bytes.length; }
    @Override public long knownSize() { return bytes.length; }
    @Override public Optional<String> messageId() { return Optional.of(id); }
    @Override public boolean has8bit() { return eightBit; }
    @Override public boolean requiresSmtpUtf8() { return smtpUtf8; }
  }
}
