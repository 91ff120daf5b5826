package dev.herald.mail.cli;

/** A command line that parsed but does not make sense (exit 64); the message says what to change. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) { super(message); }
}
