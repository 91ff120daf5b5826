package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException.Reason;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpSettings;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Up to {@code max-connections} sessions, each lent to one thread at a time. An idle session is
 * checked with NOOP before reuse when it sat longer than {@code idle-timeout}; a broken or
 * exhausted one (message cap reached) is closed and replaced.
 */
public final class Pool implements AutoCloseable {
  private final SmtpSettings settings;
  private final Credentials credentials;
  private final String fallbackUser;
  private final TraceListener trace;
  private final Deque<Session> idle = new ArrayDeque<>();
  private Tls tls;
  private int open;
  private boolean closed;

  public Pool(SmtpSettings settings, Credentials credentials, String fallbackUser, TraceListener trace) {
    this.settings = settings;
    this.credentials = credentials;
    this.fallbackUser = fallbackUser;
    this.trace = trace;
    // A bad tls-trust file is a config error now, not at the first send.
    if (settings.tlsTrust() != null) this.tls = Tls.create(settings.tlsTrust());
  }

  /** A ready session: an idle one that still works, or a new one. Blocks while all are busy. */
  public Session acquire() throws InterruptedException {
    while (true) {
      Session s;
      synchronized (this) {
        while (true) {
          if (closed) throw new TransientMailException(Reason.CANCELLED, "the SMTP transport is closed", null);
          s = idle.pollFirst();
          if (s != null || open < settings.maxConnections()) break;
          wait();
        }
        if (s == null) open++;
      }
      if (s == null) return create();
      if (s.usable() && !s.exhausted()
          && (s.idleNanos() <= settings.idleTimeout().toNanos() || s.noop())) {
        return s;
      }
      discard(s);
    }
  }

  private Session create() {
    try {
      return Session.open(settings, this::tls, credentials, fallbackUser, trace);
    } catch (RuntimeException e) {
      synchronized (this) {
        open--;
        notifyAll();
      }
      throw e;
    }
  }

  private synchronized Tls tls() {
    if (tls == null) tls = Tls.create(settings.tlsTrust());
    return tls;
  }

  /** Opens a session outside the pool (for {@code check()}); the caller closes it. */
  public Session openDetached() {
    return Session.open(settings, this::tls, credentials, fallbackUser, trace);
  }

  /** Returns a session after use; closes it if it broke, reached its cap, or the pool closed. */
  public void release(Session s) {
    synchronized (this) {
      if (!closed && s.usable() && !s.exhausted()) {
        idle.addFirst(s);   // most recently used first: keeps few connections warm
        notifyAll();
        return;
      }
    }
    discard(s);
  }

  private void discard(Session s) {
    s.close();
    synchronized (this) {
      open--;
      notifyAll();
    }
  }

  /** Closes the idle sessions now and every busy one when it comes back. */
  @Override public void close() {
    List<Session> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(idle);
      idle.clear();
      notifyAll();
    }
    for (Session s : toClose) discard(s);
  }

  /** For {@code check()}. */
  public Map<String, String> check() {
    Session s = openDetached();
    try {
      return s.describe();
    } finally {
      s.close();
    }
  }
}
