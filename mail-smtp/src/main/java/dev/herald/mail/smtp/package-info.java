/**
 * Herald's own ESMTP client: {@link dev.herald.mail.smtp.SmtpTransport} (built in code or by
 * {@link dev.herald.mail.smtp.SmtpTransportFactory} from a profile with {@code transport = smtp}),
 * its typed {@link dev.herald.mail.smtp.SmtpSettings} and {@link dev.herald.mail.smtp.TlsPolicy}.
 *
 * <p>The handshake is the one Python's {@code smtplib} walks through — connect, EHLO, STARTTLS,
 * EHLO again, AUTH, MAIL, RCPT, DATA, QUIT — made safe by default (TLS 1.2+, certificates and host
 * names always verified, no AUTH in plaintext, no bare CR or LF on the wire) and fast (PIPELINING,
 * CHUNKING, kept and pooled connections). Everything under {@code internal} may change without notice.
 *
 * <h2>Adding a setting</h2>
 *
 * <p>{@link dev.herald.mail.smtp.SmtpTransport.Builder} is the one way in: a profile's keys become
 * calls of its setters ({@code SmtpSettings.from}), so a value is checked by the same rule in code
 * and in config, and a config error names the key's file and line. A new setting, say
 * {@code source-address}, takes these edits, each one line or so:
 * <ol>
 *   <li>its key, default and a comment for users in {@code src/main/resources/reference.conf}
 *       (the only home of the default a user sees);
 *   <li>a component of the {@code SmtpSettings} record, with its rule (if any) in the record's
 *       constructor, where every rule lives;
 *   <li>a field holding the same default and a setter in {@code SmtpTransport.Builder}, and the
 *       field passed in its {@code settings()};
 *   <li>one {@code case} in {@code SmtpSettings.set}: the key and its builder call (with a typed
 *       reader such as {@code duration(c, key)}; a value of a new kind needs a reader of its own);
 *   <li>a sample value in {@code SmtpSettingsTest.SAMPLES}, and the key in README's list of
 *       {@code smtp} keys.
 * </ol>
 * Then use it in {@code internal}. {@code SmtpSettingsTest} fails, naming what is missing, if the
 * key has no {@code case}, the {@code case} sets nothing, a component has no key, or the builder's
 * default differs from {@code reference.conf}.
 */
package dev.herald.mail.smtp;
