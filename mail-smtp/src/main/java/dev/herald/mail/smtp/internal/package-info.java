/**
 * The SMTP engine: {@code Session} (one SMTP session: a {@code Connection} with deadline I/O, the
 * {@code Handshake} that yields an immutable {@code SessionInfo}, and {@code Transaction}s that
 * each return an {@code Attempt}), {@code ReplyReader} (reply parser with size caps),
 * {@code DataEncoder} (CRLF, dot-stuffing, line limit), {@code Tls}, {@code Sasl}, {@code Pool}
 * and {@code Dispatcher} (connections, batches, rate limit, retry). Not an API.
 */
package dev.herald.mail.smtp.internal;
