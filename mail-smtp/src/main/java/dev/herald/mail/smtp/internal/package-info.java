/**
 * The SMTP engine: {@code Session} (one connection's state machine), {@code ReplyReader} (reply
 * parser with size caps), {@code DataEncoder} (CRLF, dot-stuffing, line limit), {@code Tls},
 * {@code Sasl}, {@code Pool} and {@code Dispatcher} (connections, batches, rate limit, retry).
 * Not an API.
 */
package dev.herald.mail.smtp.internal;
