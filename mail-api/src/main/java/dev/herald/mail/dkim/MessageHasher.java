package dev.herald.mail.dkim;

import dev.herald.mail.InvalidMessageException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Takes a message as the transport would write it and keeps its header section (line endings made
 * CRLF; bounded) while the body streams through a {@link BodyHasher}: attachments pass through
 * once and are never held.
 */
final class MessageHasher extends OutputStream {
  /** Far above any real header section; a message past it is not signed rather than buffered. */
  static final int HEADER_LIMIT = 1 << 20;

  private final BodyHasher body;
  private final ByteArrayOutputStream header = new ByteArrayOutputStream(2048);
  private boolean inBody;
  private boolean pendingCr;
  private int lineLength;

  MessageHasher(BodyHasher body) { this.body = body; }

  @Override public void write(int b) { write(new byte[] {(byte) b}, 0, 1); }

  @Override public void write(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end && !inBody) {
      byte c = b[i];
      if (pendingCr) {
        pendingCr = false;
        lineEnd();
        if (c == '\n') {
          i++;
          continue;
        }
        if (inBody) break;
      }
      if (c == '\r') pendingCr = true;
      else if (c == '\n') lineEnd();
      else {
        header.write(c);
        lineLength++;
      }
      i++;
    }
    if (i < end) body.write(b, i, end - i);
  }

  private void lineEnd() {
    if (lineLength == 0) {
      inBody = true; // the empty line that ends the header section
      return;
    }
    header.write('\r');
    header.write('\n');
    lineLength = 0;
    if (header.size() > HEADER_LIMIT) {
      throw new InvalidMessageException("the message's header section is over " + HEADER_LIMIT
          + " octets; it cannot be DKIM-signed");
    }
  }

  /** The header section, each line ending in CRLF, without the empty line that ends it. */
  byte[] header() {
    if (!inBody && (pendingCr || lineLength > 0)) {
      pendingCr = false;
      header.write('\r');
      header.write('\n');
      lineLength = 0;
    }
    return header.toByteArray();
  }

  byte[] bodyHash() { return body.finish(); }
}
