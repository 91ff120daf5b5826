package dev.herald.mail.testkit.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * What a mock server keeps of its traffic: the messages (all, and those not taken yet), the
 * server-wide transcript, and counts; each bounded, oldest dropped first. Thread-safe: sessions
 * record while a test takes.
 *
 * @param <M> the recorded message
 */
public final class Recorder<M> {
  private final int maxMessages;
  private final int maxTranscriptLines;
  private final ToIntFunction<M> sessionOf;
  private final LinkedBlockingDeque<M> untaken = new LinkedBlockingDeque<>();
  private final ArrayDeque<M> messages = new ArrayDeque<>();
  private final ArrayDeque<String> transcript = new ArrayDeque<>();
  private final AtomicInteger messageCount = new AtomicInteger();
  private final List<Consumer<M>> listeners = new CopyOnWriteArrayList<>();

  /** Keeps up to {@code maxMessages} messages and {@code maxTranscriptLines} lines; {@code sessionOf} names a message's session in the transcript. */
  public Recorder(int maxMessages, int maxTranscriptLines, ToIntFunction<M> sessionOf) {
    this.maxMessages = maxMessages;
    this.maxTranscriptLines = maxTranscriptLines;
    this.sessionOf = sessionOf;
  }

  /** Adds a listener, called on the recording thread for each message after it is kept. */
  public void onMessage(Consumer<M> listener) { listeners.add(listener); }

  /** The index of the next message, counting every message ever accepted from 0. */
  public int nextMessageIndex() { return messageCount.getAndIncrement(); }

  /** How many indexes were handed out: the messages accepted. */
  public int messageCount() { return messageCount.get(); }

  /** Keeps {@code m}, then tells the listeners; a listener's exception goes to the transcript, not to the session. */
  public void record(M m) {
    synchronized (messages) {
      messages.addLast(m);
      while (messages.size() > maxMessages) messages.removeFirst();
    }
    untaken.add(m);
    while (untaken.size() > maxMessages) untaken.poll();
    for (Consumer<M> l : listeners) {
      try {
        l.accept(m);
      } catch (RuntimeException e) {
        log(sessionOf.applyAsInt(m), "*: message listener failed: " + e);
      }
    }
  }

  /** The next message not taken yet, waiting up to {@code timeout}; null if none came. */
  public M take(Duration timeout) throws InterruptedException {
    return untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * The next {@code n} messages not taken yet, waiting up to {@code timeout} in all.
   *
   * @throws AssertionError naming how many came, when fewer arrive in time (those stay untaken)
   */
  public List<M> take(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<M> out = new ArrayList<>(n);
    while (out.size() < n) {
      M m = untaken.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (m == null) {
        for (int i = out.size() - 1; i >= 0; i--) untaken.addFirst(out.get(i)); // put back, in order, for the next take
        throw new AssertionError("expected " + n + " messages within " + timeout + ", got " + out.size());
      }
      out.add(m);
    }
    return out;
  }

  /** The messages kept, taken or not, oldest first. */
  public List<M> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  /** Adds a transcript line, prefixed with its session number. */
  public void log(int session, String line) {
    synchronized (transcript) {
      transcript.addLast("#" + session + " " + line);
      while (transcript.size() > maxTranscriptLines) transcript.removeFirst();
    }
  }

  /** The transcript kept, oldest line first. */
  public List<String> transcript() {
    synchronized (transcript) {
      return List.copyOf(transcript);
    }
  }

  /** Forgets the messages and the transcript; the counts go on. */
  public void clear() {
    synchronized (messages) {
      messages.clear();
    }
    untaken.clear();
    synchronized (transcript) {
      transcript.clear();
    }
  }
}
