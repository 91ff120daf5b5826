/**
 * DKIM signing (RFC 6376; {@code rsa-sha256} and RFC 8463's {@code ed25519-sha256}) of messages as
 * they are sent: {@link dev.herald.mail.dkim.DkimSigner} wraps a transport, or signs one
 * {@link dev.herald.mail.MessageContent}; {@link dev.herald.mail.dkim.DkimKeys} reads, makes and
 * publishes keys. A profile turns it on with {@code dkim { domain, selector, private-key.file }}.
 */
package dev.herald.mail.dkim;
