package dev.herald.mail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SMTP envelope: who the message is from (MAIL FROM) and who receives it (RCPT TO).
 * Bcc recipients appear here and never in the headers.
 *
 * @param sender the reverse path; {@code ""} for the null sender {@code <>} (bounces)
 * @param recipients the forward paths, de-duplicated, in order
 */
public record Envelope(String sender, List<String> recipients) {

  public Envelope {
    Objects.requireNonNull(sender, "sender");
    // A plain address is valid and canonical as it is; anything else is parsed and rewritten.
    if (!sender.isEmpty() && Address.plainKey(sender) == null) sender = Address.parse(sender).address();
    if (recipients.size() == 1) {
      String r = recipients.get(0);
      recipients = List.of(Address.plainKey(r) != null ? r : Address.parse(r).address());
    } else {
      Map<String, String> unique = new LinkedHashMap<>();
      for (String r : recipients) {
        String key = Address.plainKey(r);
        if (key != null) {
          unique.putIfAbsent(key, r);
        } else {
          Address a = Address.parse(r);
          unique.putIfAbsent(a.mailboxKey(), a.address());
        }
      }
      if (unique.isEmpty()) throw new InvalidMessageException("the envelope needs at least one recipient");
      recipients = List.copyOf(unique.values());
    }
  }

  /** MAIL FROM is the Sender if set, else From; RCPT TO is To, Cc and Bcc, each mailbox once. */
  public static Envelope of(Email email) {
    List<String> rcpt = new ArrayList<>(email.to().size() + email.cc().size() + email.bcc().size());
    for (Address a : email.to()) rcpt.add(a.address());
    for (Address a : email.cc()) rcpt.add(a.address());
    for (Address a : email.bcc()) rcpt.add(a.address());
    Address from = email.sender().or(email::from).orElseThrow(Envelope::noSender);
    return new Envelope(from.address(), rcpt);
  }

  private static InvalidMessageException noSender() {
    return new InvalidMessageException("the message has no sender: set from (or the profile's from)");
  }

  /** True when the sender or a recipient has a non-ASCII local part. */
  public boolean requiresSmtpUtf8() {
    // The addresses were validated on construction; a scan is enough (this sits on the send path).
    if (nonAsciiLocalPart(sender)) return true;
    for (String r : recipients) if (nonAsciiLocalPart(r)) return true;
    return false;
  }

  private static boolean nonAsciiLocalPart(String address) {
    int at = address.lastIndexOf('@');
    for (int i = 0; i < at; i++) if (address.charAt(i) > 0x7f) return true;
    return false;
  }
}
