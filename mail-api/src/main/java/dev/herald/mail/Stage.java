package dev.herald.mail;

/** The step of a send at which something went wrong; {@link #LOCAL} when no server was involved. */
public enum Stage {
  /** Before any network exchange: building, rendering or validating the message, reading config. */
  LOCAL,
  /** Opening the connection, the TLS handshake of implicit TLS, or the server's greeting. */
  CONNECT,
  EHLO,
  STARTTLS,
  AUTH,
  MAIL,
  RCPT,
  DATA,
  /** The reply to the final "." (or the last BDAT chunk): the server's verdict on the message. */
  DATA_END,
  RSET,
  QUIT
}
