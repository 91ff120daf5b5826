package dev.herald.mail.testkit;

import dev.herald.mail.Stage;
import java.util.Optional;

/**
 * A command as a {@link SmtpDispatcher} sees it, with the state of its session.
 *
 * @param session the session number, from 1 in the order connections were accepted
 * @param stage the stage the command belongs to; null for commands outside the send path
 *     (NOOP, VRFY, HELP, unknown verbs). The greeting is {@link Stage#CONNECT} with an empty line,
 *     the end of the message {@link Stage#DATA_END} with the line {@code "."}.
 * @param line the command line as received, without CRLF
 * @param recipient the address of a RCPT command, else null
 * @param tls whether the session is encrypted
 * @param authenticatedUser the user who logged in, or null
 * @param messageSize at DATA_END, the size of the message received; else 0
 */
public record SmtpCommand(int session, Stage stage, String line, String recipient, boolean tls,
    String authenticatedUser, long messageSize) {

  /** The command verb in upper case ({@code "MAIL"}), or {@code ""} for the greeting and the end of data. */
  public String verb() {
    if (stage == Stage.CONNECT || stage == Stage.DATA_END) return "";
    int sp = line.indexOf(' ');
    return (sp < 0 ? line : line.substring(0, sp)).toUpperCase(java.util.Locale.ROOT);
  }

  public Optional<String> authenticatedUserIfAny() { return Optional.ofNullable(authenticatedUser); }
}
