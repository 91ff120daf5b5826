package dev.herald.mail.testkit.internal.inbox;

import dev.herald.mail.testkit.internal.inbox.ParsedMessage.Addr;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A search query in (a subset of) Mailpit's syntax: words and {@code "quoted phrases"}, each of which
 * must occur (case-insensitive) in the subject, an address or the text; {@code from:}, {@code to:}
 * (To, Cc and Bcc) and {@code subject:} narrow a term to one field; a leading {@code -} negates it.
 */
public final class Search implements Predicate<StoredMessage> {
  private record Term(String field, String value, boolean negated) { }

  private final List<Term> terms;

  private Search(List<Term> terms) { this.terms = terms; }

  public static Search parse(String query) {
    List<Term> terms = new ArrayList<>();
    String q = query == null ? "" : query.strip();
    int i = 0;
    while (i < q.length()) {
      if (Character.isWhitespace(q.charAt(i))) {
        i++;
        continue;
      }
      boolean negated = q.charAt(i) == '-';
      if (negated) i++;
      String field = "";
      int colon = q.indexOf(':', i);
      int space = nextSpace(q, i);
      if (colon > i && colon < space && q.charAt(i) != '"') {
        String f = q.substring(i, colon).toLowerCase(Locale.ROOT);
        if (f.equals("from") || f.equals("to") || f.equals("subject")) {
          field = f;
          i = colon + 1;
        }
      }
      String value;
      if (i < q.length() && q.charAt(i) == '"') {
        int end = q.indexOf('"', i + 1);
        if (end < 0) end = q.length();
        value = q.substring(i + 1, end);
        i = end + 1;
      } else {
        int end = nextSpace(q, i);
        value = q.substring(i, end);
        i = end;
      }
      if (!value.isEmpty()) terms.add(new Term(field, value.toLowerCase(Locale.ROOT), negated));
    }
    return new Search(List.copyOf(terms));
  }

  @Override public boolean test(StoredMessage m) {
    for (Term t : terms) {
      if (matches(t, m) == t.negated()) return false;
    }
    return true;
  }

  private static boolean matches(Term t, StoredMessage m) {
    return switch (t.field()) {
      case "from" -> contains(List.of(m.from()), t.value());
      case "to" -> contains(m.to(), t.value()) || contains(m.cc(), t.value()) || contains(m.bcc(), t.value());
      case "subject" -> m.subject().toLowerCase(Locale.ROOT).contains(t.value());
      default -> m.searchText().contains(t.value());
    };
  }

  private static boolean contains(List<Addr> addrs, String v) {
    for (Addr a : addrs) {
      if (a.address().toLowerCase(Locale.ROOT).contains(v) || a.name().toLowerCase(Locale.ROOT).contains(v)) return true;
    }
    return false;
  }

  private static int nextSpace(String q, int from) {
    int i = from;
    while (i < q.length() && !Character.isWhitespace(q.charAt(i))) i++;
    return i;
  }
}
