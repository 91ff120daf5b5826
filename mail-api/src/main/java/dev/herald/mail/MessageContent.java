package dev.herald.mail;

import dev.herald.mail.internal.RawMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * A message ready for a transport: RFC 5322 headers and body with CRLF line endings.
 *
 * <p>Content may be written more than once (a retry, a size check); a large rendered message is
 * re-rendered for each write rather than held in memory.
 */
public interface MessageContent {

  /** Writes the whole message; the transport adds any wire framing (dot-stuffing, BDAT). */
  void writeTo(OutputStream out) throws IOException;

  /** The size in octets as written by {@link #writeTo}; may write the message to count it. */
  long size() throws IOException;

  /**
   * The size {@link #size()} would return when it is known without writing the message (held
   * bytes; attachments whose sizes the file system tells), else -1. A transport uses it to stream
   * a large message at once instead of first trying to buffer it.
   */
  default long knownSize() { return -1; }

  /** The Message-ID header's value, with angle brackets, when the message has one. */
  Optional<String> messageId();

  /** True when the content has octets above 127 (needs 8BITMIME or SMTPUTF8 to travel as is). */
  boolean has8bit();

  /** True when an address or header needs SMTPUTF8 (RFC 6531). */
  boolean requiresSmtpUtf8();

  /**
   * A raw RFC 5322 message as given (the {@code sendmail} path). Bare LF line endings are accepted;
   * the transport sends CRLF. The array is not copied: do not change it afterwards.
   */
  static MessageContent ofBytes(byte[] message) { return RawMessage.of(message); }
}
