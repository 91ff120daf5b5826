package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.smtp.SmtpSettings;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One SMTP session: a {@link Connection}, what its {@link Handshake} established, and then any
 * number of {@link Transaction}s, pipelined when the server allows. Not thread-safe: one thread
 * uses a session at a time (the pool sees to that).
 *
 * <p>Throughput comes from writing each flight with one flush: MAIL, every RCPT and DATA together;
 * the end of one message together with the next message's envelope; or, with CHUNKING, the whole
 * message as {@code BDAT n LAST} right behind its envelope.
 */
public final class Session implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final SmtpSettings settings;
  private final Connection conn;
  private final SessionInfo info;
  private final Preparer preparer;
  private boolean broken;
  private boolean needsReset;
  private int messages;
  private long lastUsed;

  private Session(SmtpSettings settings, Connection conn, SessionInfo info) {
    this.settings = settings;
    this.conn = conn;
    this.info = info;
    this.preparer = new Preparer(settings, conn.server());
    this.lastUsed = System.nanoTime();
  }

  /** Connects and runs the whole handshake; on failure nothing stays open. */
  public static Session open(SmtpSettings settings, Supplier<Tls> tls, Credentials credentials, String fallbackUser,
      TraceListener listener) {
    Trace trace = new Trace(listener, "smtp#" + IDS.incrementAndGet() + " ");
    Connection conn = Connection.open(settings, tls, trace);
    try {
      return new Session(settings, conn, Handshake.run(conn, settings, tls, credentials, fallbackUser));
    } catch (RuntimeException e) {
      conn.abort();
      throw e;
    }
  }

  /** What the handshake established. */
  SessionInfo info() { return info; }

  /**
   * Sends the jobs in order on this connection, pipelined when possible, and returns one attempt
   * per job, in the same order. Stops early when the connection breaks or reaches its message cap;
   * the jobs it did not get to are {@link Attempt.Outcome#NOT_ATTEMPTED} and may go on another connection.
   */
  public List<Attempt> transfer(List<Job> jobs) {
    Run run = new Run(jobs);
    if (!usable()) return run.results();
    boolean pipe = settings.pipelining() && info.caps().pipelining();
    Transaction cur = null;
    Transaction ahead = null;
    try {
      cur = next(run);
      if (cur == null) return run.results();
      if (pipe) {
        writeHead(cur);
        conn.flush();
      } else {
        lockstep(cur);
      }
      while (cur != null) {
        if (pipe) {
          cur.readHead();
          if (cur.needsReset()) needsReset = true;
        }
        ahead = null;
        if (cur.ready()) {
          if (!cur.writeBody()) {
            // Part of the message is out; only closing without the final "." keeps it from being delivered.
            broken = true;
            conn.abort();
            run.end(cur, cur.result());
            return run.results();
          }
          if (pipe) {
            ahead = next(run);
            if (ahead != null) writeHead(ahead);
          }
          conn.flush();
          cur.readEnd();
          run.end(cur, cur.result());
          if (!pipe) {
            ahead = next(run);
            if (ahead != null) lockstep(ahead);
          }
        } else {
          run.end(cur, cur.result());
          if (broken) break;
          ahead = next(run);
          if (ahead != null) {
            if (pipe) {
              writeHead(ahead);
              conn.flush();
            } else {
              lockstep(ahead);
            }
          }
        }
        cur = ahead;
      }
    } catch (Transaction.Closing c) {
      c.tx.decide(Attempt.failed(Failures.reply(c.stage, c.reply, conn.server() + " is closing the connection", null)));
      broken(run, cur, ahead, null);
    } catch (IOException e) {
      Stage stage = conn.writeTimedOut() ? Stage.DATA : cur == null ? Stage.MAIL : cur.stage();
      TransientMailException f = Failures.io(stage, conn.writeTimedOut() ? new SocketTimeoutException("write timed out") : e,
          conn.server(), stage == Stage.DATA_END ? settings.timeouts().dataEnd() : settings.timeouts().reply());
      broken(run, cur, ahead, f);
    } catch (MalformedReplyException e) {
      broken(run, cur, ahead, e);
    } catch (RuntimeException e) {
      broken(run, cur, ahead, new MailException("internal error while sending: " + e, e));
      throw e;
    } finally {
      lastUsed = System.nanoTime();
    }
    return run.results();
  }

  /** After a broken connection: the attempts of the transaction being read and of the one written ahead. */
  private void broken(Run run, Transaction cur, Transaction ahead, MailException f) {
    broken = true;
    if (cur != null) run.end(cur, cur.broken(f, true));
    if (ahead != null && ahead != cur) run.end(ahead, ahead.broken(f, false));
    conn.abort();
  }

  /** The jobs of one {@link #transfer}, the next to prepare, and how each ended. */
  private static final class Run {
    final List<Job> jobs;
    final Attempt[] results;
    int next;

    Run(List<Job> jobs) {
      this.jobs = jobs;
      this.results = new Attempt[jobs.size()];
      Arrays.fill(results, Attempt.NOT_ATTEMPTED);
    }

    void end(Transaction tx, Attempt a) { results[tx.index()] = a; }

    List<Attempt> results() { return Arrays.asList(results); }
  }

  /** The next job that is ready to go, failing those that cannot be sent at all; null when none (or at the cap). */
  private Transaction next(Run run) {
    while (run.next < run.jobs.size()) {
      if (exhausted()) return null;
      int i = run.next++;
      try {
        return new Transaction(i, preparer.prepare(run.jobs.get(i), info.caps()), conn, preparer, info.caps());
      } catch (MailException e) {
        run.results[i] = Attempt.failed(e);
      }
    }
    return null;
  }

  private void writeHead(Transaction tx) throws IOException {
    boolean reset = needsReset;
    needsReset = false;
    messages++;
    tx.writeHead(reset);
  }

  private void lockstep(Transaction tx) throws IOException {
    boolean reset = needsReset;
    needsReset = false;
    messages++;
    tx.lockstep(reset);
    if (tx.needsReset()) needsReset = true;
  }

  // ---------------------------------------------------------------- state for the pool

  /** False once the connection failed or the server closed it; such a session is only closed. */
  public boolean usable() {
    return !broken && conn.isOpen();
  }

  /** True when the message cap of this connection is reached. */
  public boolean exhausted() {
    return settings.maxMessagesPerConnection() > 0 && messages >= settings.maxMessagesPerConnection();
  }

  /** Messages this connection may still carry; {@code Integer.MAX_VALUE} without a cap. */
  public int remaining() {
    return settings.maxMessagesPerConnection() > 0 ? Math.max(0, settings.maxMessagesPerConnection() - messages) : Integer.MAX_VALUE;
  }

  public int messages() { return messages; }

  public long idleNanos() { return System.nanoTime() - lastUsed; }

  /** True when this session has carried a transaction before (a failure on it may be a stale connection). */
  public boolean reused() { return messages > 0; }

  /** NOOP: is the connection still alive after sitting idle? */
  public boolean noop() {
    try {
      SmtpReply r = conn.command("NOOP", Stage.RSET);
      lastUsed = System.nanoTime();
      if (r.positive()) return true;
    } catch (IOException | MailException e) {
      conn.trace().info("connection found dead: " + e.getMessage());
    }
    broken = true;
    return false;
  }

  /** What {@code herald check} shows: greeting, capabilities, TLS, certificate, AUTH mechanism. */
  public Map<String, String> describe() {
    return info.describe();
  }

  /** QUIT and close; quiet, bounded by a short timeout. */
  @Override public void close() {
    if (usable()) conn.quit();
    abort();
  }

  /** Closes the socket at once, without QUIT. */
  public void abort() {
    broken = true;
    conn.abort();
  }
}
