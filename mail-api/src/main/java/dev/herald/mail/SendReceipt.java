package dev.herald.mail;

import java.util.List;
import java.util.Objects;

/**
 * What a transport reports after handing over a message.
 *
 * @param messageId the Message-ID of the message sent (with angle brackets), or null if unknown
 * @param accepted the recipients the server accepted
 * @param rejected the recipients the server refused, each with its reply; non-empty means partial delivery
 * @param serverReply the server's reply to the end of the message (e.g. {@code 250 2.0.0 OK queued as X})
 * @param via where the message went: {@code host:port} for SMTP, a file path for the outbox
 */
public record SendReceipt(String messageId, List<String> accepted, List<Rejection> rejected,
    String serverReply, String via) {

  public SendReceipt {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
    Objects.requireNonNull(via, "via");
  }

  /** True when some, but not all, recipients were rejected. */
  public boolean partial() { return !rejected.isEmpty() && !accepted.isEmpty(); }

  /**
   * A recipient the server refused.
   *
   * @param enhancedCode the RFC 3463 code, or null
   */
  public record Rejection(String recipient, int code, String enhancedCode, String text) {
    public Rejection {
      Objects.requireNonNull(recipient, "recipient");
      text = text == null ? "" : text;
    }
  }
}
