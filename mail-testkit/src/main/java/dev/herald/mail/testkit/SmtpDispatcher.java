package dev.herald.mail.testkit;

/**
 * The escape hatch for behaviour that {@link Fault}s cannot script, in the spirit of OkHttp's
 * {@code Dispatcher}: the server asks it first about every command of every session and falls
 * back to the scripted faults, then to its well-behaved answer, when it returns null.
 *
 * <pre>{@code
 * server.dispatcher(cmd -> cmd.stage() == Stage.RCPT && cmd.recipient().endsWith("@blocked.test")
 *     ? new Fault.Reply(550, List.of("5.7.1 Relaying denied"), false) : null);
 * }</pre>
 *
 * <p>Called on the session's thread; several sessions may call it at once.
 */
@FunctionalInterface
public interface SmtpDispatcher {

  /** What to do instead of the normal answer, or null for the normal answer. */
  Fault.Effect dispatch(SmtpCommand command);
}
