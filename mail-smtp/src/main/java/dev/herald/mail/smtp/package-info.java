/**
 * Herald's own ESMTP client: {@link dev.herald.mail.smtp.SmtpTransport} (built in code or by
 * {@link dev.herald.mail.smtp.SmtpTransportFactory} from a profile with {@code transport = smtp}),
 * its typed {@link dev.herald.mail.smtp.SmtpSettings} and {@link dev.herald.mail.smtp.TlsPolicy}.
 *
 * <p>The handshake is the one Python's {@code smtplib} walks through — connect, EHLO, STARTTLS,
 * EHLO again, AUTH, MAIL, RCPT, DATA, QUIT — made safe by default (TLS 1.2+, certificates and host
 * names always verified, no AUTH in plaintext, no bare CR or LF on the wire) and fast (PIPELINING,
 * CHUNKING, kept and pooled connections). Everything under {@code internal} may change without notice.
 */
package dev.herald.mail.smtp;
