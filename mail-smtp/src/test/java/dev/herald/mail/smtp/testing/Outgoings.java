package dev.herald.mail.smtp.testing;

import dev.herald.mail.Envelope;
import dev.herald.mail.Outgoing;
import java.util.ArrayList;
import java.util.List;

/** Batches for {@code sendAll}. */
public final class Outgoings {
  private Outgoings() { }

  public static List<Outgoing> to(String recipient, int n) {
    List<Outgoing> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Outgoing(new Envelope("sender@example.org", List.of(recipient)), Messages.text("message " + i + "\r\n")));
    }
    return out;
  }
}
