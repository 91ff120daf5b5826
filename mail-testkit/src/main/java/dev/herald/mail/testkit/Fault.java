package dev.herald.mail.testkit;

import dev.herald.mail.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Something the {@link MockSmtpServer} does instead of its well-behaved answer at one
 * {@link Stage} of a session. Immutable; build with {@link #at(Stage)}:
 *
 * <pre>{@code
 * server.script(at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user"));
 * server.script(at(Stage.DATA_END).reply(451, "4.3.0 Try later").once());
 * server.script(at(Stage.CONNECT).reply(421, "4.3.2 Busy").thenClose());
 * }</pre>
 *
 * <p>A scripted reply replaces the server's text; the server then acts on its code as a real one
 * would: a 2xx at RCPT accepts the recipient, a 5xx at RCPT rejects it, a 2xx at DATA_END records
 * the message (with your text as the reply), anything else at DATA_END discards it. A fault applies
 * to every matching command until {@link #once()} or {@link #times(int)} limits it. Faults are
 * tried in the order they were scripted; the first that matches and has uses left wins.
 *
 * <p>Stages: {@code CONNECT} is the greeting; {@code EHLO} covers EHLO and HELO; {@code DATA} is
 * the reply to DATA (or the first BDAT chunk); {@code DATA_END} the reply to the final dot (or to
 * {@code BDAT … LAST}). A {@link SmtpDispatcher} is asked before the script.
 */
public final class Fault {

  /** What the server does; the small, closed vocabulary of faults. */
  public sealed interface Effect {}

  /** Replies with {@code code} and these lines (several make a multi-line reply); optionally closes. */
  public record Reply(int code, List<String> lines, boolean close) implements Effect {
    public Reply {
      if (code < 200 || code > 599) throw new IllegalArgumentException("reply code out of range: " + code);
      lines = List.copyOf(lines);
      if (lines.isEmpty()) lines = List.of("");
      for (String l : lines) {
        if (l.indexOf('\r') >= 0 || l.indexOf('\n') >= 0) throw new IllegalArgumentException("line break in reply text: " + l);
      }
    }

    /** The reply as sent on the wire: {@code 250-first\r\n250 last\r\n}. */
    public String wire() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        sb.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
      }
      return sb.toString();
    }
  }

  /** Sends these bytes verbatim (malformed or over-long replies); optionally closes. */
  public record RawReply(String text, boolean close) implements Effect {
    public RawReply { Objects.requireNonNull(text, "text"); }
    public byte[] bytes() { return text.getBytes(StandardCharsets.UTF_8); }
  }

  /** Waits, then behaves as if nothing were scripted (client timeout tests). */
  public record Delay(Duration duration) implements Effect {
    public Delay {
      if (duration.isNegative()) throw new IllegalArgumentException("negative delay");
    }
  }

  /**
   * Answers as if nothing were scripted, but one byte every {@code interval}, flushed alone (and over
   * TLS in a record of its own): a server that holds a client by dripping its reply.
   */
  public record Drip(Duration interval) implements Effect {
    public Drip {
      if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("drip interval must be positive");
    }
  }

  /** Never answers: reads and drops input until the client goes away or the server closes. */
  public record NoReply() implements Effect {}

  /** Closes the connection instead of answering. */
  public record Drop() implements Effect {}

  /** Answers DATA with 354, reads the first line of the message, then closes the connection. */
  public record DropMidData() implements Effect {}

  /** Answers STARTTLS with 220, then closes instead of completing the TLS handshake. */
  public record FailHandshake() implements Effect {}

  /** Sends these plaintext bytes right after {@code 220 Ready to start TLS}, in the same write. */
  public record InjectAfterReady(String text) implements Effect {
    public InjectAfterReady { Objects.requireNonNull(text, "text"); }
  }

  private final Stage stage;
  private final String recipient;
  private final Effect effect;
  private final int times;

  private Fault(Stage stage, String recipient, Effect effect, int times) {
    this.stage = stage;
    this.recipient = recipient;
    this.effect = effect;
    this.times = times;
  }

  /** Starts a fault for {@code stage}. RSET and QUIT are stages too; LOCAL is not. */
  public static Trigger at(Stage stage) {
    Objects.requireNonNull(stage, "stage");
    if (stage == Stage.LOCAL) throw new IllegalArgumentException("LOCAL is not a server stage");
    return new Trigger(stage, null);
  }

  public Stage stage() { return stage; }

  /** The recipient a RCPT fault is limited to, or null for every recipient. */
  public String recipient() { return recipient; }

  public Effect effect() { return effect; }

  /** How many times this fault applies; -1 for every time. */
  public int times() { return times; }

  /** Applies only to the first matching command (greylisting). */
  public Fault once() { return times(1); }

  /** Applies to the first {@code n} matching commands, then the server behaves again. */
  public Fault times(int n) {
    if (n < 1) throw new IllegalArgumentException("times must be at least 1: " + n);
    return new Fault(stage, recipient, effect, n);
  }

  /** Closes the connection right after this fault's reply (e.g. {@code 421} and close). */
  public Fault thenClose() {
    if (effect instanceof Reply r) return new Fault(stage, recipient, new Reply(r.code(), r.lines(), true), times);
    if (effect instanceof RawReply r) return new Fault(stage, recipient, new RawReply(r.text(), true), times);
    throw new IllegalStateException("thenClose() follows reply(…) or rawReply(…), not " + effect);
  }

  boolean matches(Stage s, String rcpt) {
    if (s != stage) return false;
    return recipient == null || (rcpt != null && recipient.equalsIgnoreCase(rcpt));
  }

  @Override public String toString() {
    return "Fault[" + stage + (recipient == null ? "" : " for " + recipient) + ": " + effect
        + (times < 0 ? "" : ", " + times + "x") + "]";
  }

  /** The stage (and recipient) a fault applies to; pick the effect to get a {@link Fault}. */
  public static final class Trigger {
    private final Stage stage;
    private final String recipient;

    private Trigger(Stage stage, String recipient) {
      this.stage = stage;
      this.recipient = recipient;
    }

    /** Limits a RCPT fault to one recipient (compared without regard to case). */
    public Trigger forRecipient(String address) {
      if (stage != Stage.RCPT) throw new IllegalStateException("forRecipient() applies to RCPT, not " + stage);
      return new Trigger(stage, Objects.requireNonNull(address, "address"));
    }

    /**
     * Replies {@code code} with these lines instead of the normal reply. Include the enhanced
     * status code in the text yourself: {@code reply(550, "5.1.1 No such user")}.
     */
    public Fault reply(int code, String... lines) { return make(new Reply(code, List.of(lines), false)); }

    /** Sends {@code text} verbatim; give the CRLF yourself. For malformed replies. */
    public Fault rawReply(String text) { return make(new RawReply(text, false)); }

    /** A reply line of {@code length} octets (plus CRLF), longer than RFC 5321's 512. */
    public Fault overlongReply(int length) {
      StringBuilder sb = new StringBuilder(length + 2).append("250 ");
      while (sb.length() < length) sb.append('x');
      return rawReply(sb.append("\r\n").toString());
    }

    /** Waits {@code duration}, then answers normally. */
    public Fault delay(Duration duration) { return make(new Delay(duration)); }

    /** Answers normally, one byte every {@code interval} (reply timeout tests). */
    public Fault drip(Duration interval) { return make(new Drip(interval)); }

    /** Never answers (until the client hangs up or the server is closed). */
    public Fault neverReply() { return make(new NoReply()); }

    /** Closes the socket instead of answering. */
    public Fault drop() { return make(new Drop()); }

    /** At DATA: sends 354, reads part of the message, then closes the socket. */
    public Fault dropMidData() {
      if (stage != Stage.DATA) throw new IllegalStateException("dropMidData() applies to DATA, not " + stage);
      return make(new DropMidData());
    }

    /** At STARTTLS: sends 220, then fails the TLS handshake by closing the socket. */
    public Fault failHandshake() {
      if (stage != Stage.STARTTLS) throw new IllegalStateException("failHandshake() applies to STARTTLS, not " + stage);
      return make(new FailHandshake());
    }

    /** At STARTTLS: sends {@code text} in plaintext right after the 220, then starts TLS. */
    public Fault injectAfterReady(String text) {
      if (stage != Stage.STARTTLS) throw new IllegalStateException("injectAfterReady() applies to STARTTLS, not " + stage);
      return make(new InjectAfterReady(text));
    }

    /** A fault with any effect, for effects built elsewhere (e.g. by a {@link SmtpDispatcher}). */
    public Fault effect(Effect effect) { return make(Objects.requireNonNull(effect, "effect")); }

    private Fault make(Effect e) { return new Fault(stage, recipient, e, -1); }
  }
}
