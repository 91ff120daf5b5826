package dev.herald.mail;

import dev.herald.mail.internal.Checks;
import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An RFC 5322 mailbox: an optional display name and an address {@code local@domain}.
 *
 * <p>{@link #parse} reads RFC 5322's mailbox: {@code local@domain}, {@code Name <local@domain>},
 * {@code "Quoted, Name" <local@domain>}, with comments ({@code j@example.org (J. Doe)}) and the
 * obsolete forms a reader must take. Internationalised addresses (RFC 6531) are accepted and
 * reported by {@link #requiresSmtpUtf8()}; a domain literal must be one of RFC 5321's, whichever
 * constructor makes the address. Anything else, and any line break, is an
 * {@link InvalidMessageException} that names the value.
 *
 * @param displayName the display name, or null
 * @param localPart the part before the {@code @}, without quotes
 * @param domain the domain as written (a Unicode domain is kept; see {@link #asciiDomain()})
 */
public record Address(String displayName, String localPart, String domain) {

  /** RFC 5322 atext among ASCII: letters, digits and {@code !#$%&'*+-/=?^_`{|}~}. */
  private static final boolean[] ATEXT = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) ATEXT[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) ATEXT[c] = true;
    for (char c = '0'; c <= '9'; c++) ATEXT[c] = true;
    for (char c : "!#$%&'*+-/=?^_`{|}~".toCharArray()) ATEXT[c] = true;
  }

  public Address {
    Objects.requireNonNull(localPart, "localPart");
    Objects.requireNonNull(domain, "domain");
    if (displayName != null) {
      Checks.noLineBreak("display name", displayName);
      if (displayName.isBlank()) displayName = null;
    }
    validateLocal(localPart);
    validateDomain(domain);
    if (utf8Length(localPart) > 64) throw invalid(localPart + "@" + domain, "the part before @ is longer than 64 octets");
    if (utf8Length(localPart) + 1 + utf8Length(domain) > 254) throw invalid(localPart + "@" + domain, "it is longer than 254 octets");
  }

  /**
   * Parses one mailbox (RFC 5322 3.4, with the obsolete forms a parser must accept and RFC 6532's
   * UTF-8): {@code local@domain}, {@code Name <local@domain>}, {@code "Quoted, Name" <local@domain>}.
   * Comments and white space may stand between the parts and are dropped; a comment is the display
   * name when there is no other ({@code j@example.org (J. Doe)}), as jakarta.mail's InternetAddress
   * reads it. A local part that is not a dot-atom must be quoted ({@code a@b@c} is refused).
   */
  public static Address parse(String text) {
    Objects.requireNonNull(text, "address");
    Checks.noLineBreak("address", text);
    if (text.isBlank()) throw invalid(text, "it is empty");
    return new MailboxParser(text).mailbox();
  }

  /**
   * Parses a comma-separated list of mailboxes; commas inside quoted strings, comments, angle
   * brackets and domain literals are kept.
   */
  public static List<Address> parseList(String text) {
    List<Address> out = new ArrayList<>();
    if (text.indexOf(',') < 0) {  // one mailbox (the usual case): nothing to split
      addNonBlank(out, text);
      return out;
    }
    int start = 0, comment = 0;
    boolean quoted = false, angle = false, literal = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((quoted || comment > 0 || literal) && c == '\\') { i++; continue; }
      if (quoted) { quoted = c != '"'; continue; }
      if (comment > 0) { comment += c == '(' ? 1 : c == ')' ? -1 : 0; continue; }
      if (literal) { literal = c != ']'; continue; }
      switch (c) {
        case '"' -> quoted = true;
        case '(' -> comment = 1;
        case '[' -> literal = true;
        case '<' -> angle = true;
        case '>' -> angle = false;
        case ',' -> {
          if (!angle) {
            addNonBlank(out, text.substring(start, i));
            start = i + 1;
          }
        }
        default -> { }
      }
    }
    addNonBlank(out, text.substring(start));
    return out;
  }

  private static void addNonBlank(List<Address> out, String part) {
    if (!part.isBlank()) out.add(parse(part));
  }

  /** {@code local@domain}, quoted where the local part needs it. */
  public String address() {
    return (isDotAtom(localPart) ? localPart : quote(localPart)) + "@" + domain;
  }

  /** The address with the domain in ASCII (IDNA A-labels), for servers without SMTPUTF8. */
  public String asciiAddress() {
    return (isDotAtom(localPart) ? localPart : quote(localPart)) + "@" + asciiDomain();
  }

  /** The domain with Unicode labels converted to A-labels ({@code xn--…}). */
  public String asciiDomain() {
    if (domain.startsWith("[") || isAscii(domain)) return domain;
    return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
  }

  /** True when the local part is not ASCII: only a server with SMTPUTF8 can take it. */
  public boolean requiresSmtpUtf8() { return !isAscii(localPart); }

  /** The same mailbox with another display name (null for none). */
  public Address withDisplayName(String name) { return new Address(name, localPart, domain); }

  /** A key that compares equal for the same mailbox: the local part as is, the domain case-folded. */
  public String mailboxKey() { return localPart + "@" + asciiDomain().toLowerCase(Locale.ROOT); }

  /** The RFC 5322 form, {@code "Name" <local@domain>} or {@code local@domain}; not encoded. */
  @Override public String toString() {
    if (displayName == null) return address();
    return (isPhrase(displayName) ? displayName : quote(displayName)) + " <" + address() + ">";
  }

  /**
   * For a plain ASCII {@code local@domain} (dot-atom local part, letter-digit-hyphen domain) that
   * {@link #parse} would accept and give back unchanged as {@link #address()}: its
   * {@link #mailboxKey()}; null for anything else, which must be parsed. One scan, no objects: the
   * envelope checks every address of every message with it.
   */
  static String plainKey(String s) {
    int n = s.length();
    int at = s.lastIndexOf('@');
    if (n > 254 || at <= 0 || at > 64 || at == n - 1) return null;
    char prev = '.';
    for (int i = 0; i < at; i++) {
      char c = s.charAt(i);
      if (c == '.' ? prev == '.' : !(c < 128 && ATEXT[c])) return null;
      prev = c;
    }
    if (prev == '.') return null;
    boolean upper = false;
    int label = 0;
    prev = '.';
    for (int i = at + 1; i < n; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (label == 0 || prev == '-') return null;
        label = 0;
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
        label++;
      } else if (c >= 'A' && c <= 'Z') {
        label++;
        upper = true;
      } else {
        return null;
      }
      if (label > 63) return null;
      prev = c;
    }
    if (label == 0 || prev == '-') return null;
    return upper ? s.substring(0, at + 1) + s.substring(at + 1).toLowerCase(Locale.ROOT) : s;
  }

  private static void validateLocal(String local) {
    if (local.isEmpty()) throw invalid("@", "the part before @ is empty");
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c < 0x20 || c == 0x7f) throw invalid(local, "it contains a control character");
    }
  }

  private static void validateDomain(String domain) {
    if (domain.startsWith("[")) {
      validateAddressLiteral(domain);
      return;
    }
    if (domain.isEmpty() || domain.length() > 255) throw invalid(domain, "the domain is empty or too long");
    int start = 0;
    while (true) {
      int end = domain.indexOf('.', start);
      if (end < 0) end = domain.length();
      int length = end - start;
      if (length == 0 || length > 63) throw invalid(domain, "the domain has an empty or over-long label");
      if (domain.charAt(start) == '-' || domain.charAt(end - 1) == '-') {
        throw invalid(domain, "a domain label may not start or end with '-'");
      }
      for (int i = start; i < end; i++) {
        char c = domain.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || (c > 0x7f && Character.isLetterOrDigit(c));
        if (!ok) throw invalid(domain, "the domain may not contain '" + c + "'");
      }
      if (end == domain.length()) return;
      start = end + 1;
    }
  }

  /**
   * RFC 5321 4.1.3: {@code [IPv4]}, {@code [IPv6:…]} or a general address literal
   * ({@code [tag:dcontent]}, dcontent being printable ASCII but {@code [ \\ ]}). Nothing else, so
   * no control character, space or line break can ride in a header inside the brackets.
   */
  private static void validateAddressLiteral(String domain) {
    if (domain.length() < 3 || !domain.endsWith("]")) throw invalid(domain, "malformed address literal");
    String inner = domain.substring(1, domain.length() - 1);
    if (isIpv4(inner)) return;
    int colon = inner.indexOf(':');
    if (colon <= 0) throw invalid(domain, "an address literal is [IPv4], [IPv6:…] or [tag:address] (RFC 5321 4.1.3)");
    String tag = inner.substring(0, colon);
    String rest = inner.substring(colon + 1);
    if (tag.equalsIgnoreCase("IPv6")) {
      if (!isIpv6(rest)) throw invalid(domain, "malformed IPv6 address literal");
      return;
    }
    if (!isLdhString(tag) || rest.isEmpty()) throw invalid(domain, "malformed address literal");
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']') {
        throw invalid(domain, "an address literal may not contain '" + Checks.printable(String.valueOf(c)) + "'");
      }
    }
  }

  /** Snum "." Snum "." Snum "." Snum, each 0 to 255 in at most three digits. */
  private static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) return false;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3) return false;
      for (int i = 0; i < p.length(); i++) if (p.charAt(i) < '0' || p.charAt(i) > '9') return false;
      if (Integer.parseInt(p) > 255) return false;
    }
    return true;
  }

  /** RFC 5321's IPv6-full, IPv6-comp, IPv6v4-full and IPv6v4-comp. */
  private static boolean isIpv6(String s) {
    int groups = 6 + 2;
    String hex = s;
    int v4 = s.lastIndexOf(':');
    if (v4 >= 0 && s.indexOf('.', v4) > 0) {
      if (!isIpv4(s.substring(v4 + 1))) return false;
      groups = 6;
      hex = s.substring(0, v4 + 1);
      if (!hex.endsWith("::")) hex = hex.substring(0, hex.length() - 1);
    }
    int gap = hex.indexOf("::");
    if (gap >= 0) {
      if (hex.indexOf("::", gap + 1) >= 0) return false;
      int n = countHexGroups(hex.substring(0, gap)) + countHexGroups(hex.substring(gap + 2));
      return n >= 0 && n <= groups - 2;
    }
    return countHexGroups(hex) == groups;
  }

  /** The number of colon-separated 1-4 digit hex groups, 0 for "", -1 when malformed. */
  private static int countHexGroups(String s) {
    if (s.isEmpty()) return 0;
    int n = 0;
    for (String g : s.split(":", -1)) {
      if (g.isEmpty() || g.length() > 4) return -1;
      for (int i = 0; i < g.length(); i++) if (Character.digit(g.charAt(i), 16) < 0) return -1;
      n++;
    }
    return n;
  }

  private static boolean isLdhString(String s) {
    if (s.isEmpty() || s.endsWith("-")) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
      if (!ok) return false;
    }
    return true;
  }

  private static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(isAtext(c) || c == '.')) return false;
    }
    return true;
  }

  private static boolean isPhrase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(isAtext(c) || c == ' ')) return false;
    }
    return true;
  }

  private static boolean isAtext(char c) {
    return c > 0x7f || ATEXT[c];
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0x7f) return false;
    return true;
  }

  private static int utf8Length(String s) {
    // As s.getBytes(UTF_8).length, without the copy: this runs for every address parsed.
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) {
        n += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 2;  // two chars, four octets
        i++;
      } else if (!Character.isSurrogate(c)) {
        n += 2;
      } // an unpaired surrogate is written as '?': one octet
    }
    return n;
  }

  /**
   * A recursive-descent reader of one RFC 5322 mailbox. Tokens are atoms (atext, and UTF-8 beyond
   * ASCII), quoted strings, domain literals and the specials; comments and white space are skipped
   * between them, the first comment kept as a display name of last resort.
   */
  private static final class MailboxParser {
    private static final int ATOM = 0, QUOTED = 1, LITERAL = 2, SPECIAL = 3;

    private record Token(int kind, String text, boolean spaceBefore) {
      boolean is(char special) { return kind == SPECIAL && text.charAt(0) == special; }
    }

    private final String original;
    private final List<Token> tokens = new ArrayList<>();
    private String comment;
    private int pos;

    MailboxParser(String text) {
      this.original = text;
      lex(text);
    }

    Address mailbox() {
      int lt = indexOf('<');
      if (lt < 0) {
        if (indexOf('>') >= 0) throw invalid(original, "'>' without '<'");
        Address a = addrSpec(null, tokens.size());
        return comment == null ? a : a.withDisplayName(comment);
      }
      String name = phrase(lt);
      pos = lt + 1;
      int gt = indexOf('>');
      if (gt < lt) throw invalid(original, "'<' without '>'");
      if (gt != tokens.size() - 1) throw invalid(original, "nothing may follow '>'");
      // obs-angle-addr: a source route (<@relay:bob@example.org>) is dropped, as RFC 5322 4.4 says.
      if (pos < gt && tokens.get(pos).is('@')) {
        int colon = pos;
        while (colon < gt && !tokens.get(colon).is(':')) colon++;
        if (colon == gt) throw invalid(original, "expected local@domain");
        pos = colon + 1;
      }
      return addrSpec(name != null ? name : comment, gt);
    }

    /**
     * The display name: words (atoms, quoted strings) and, as obs-phrase allows, dots; and an '@', which
     * RFC 5322 does not allow unquoted but mail programs write ({@code bob@example.org <bob@example.org>}).
     */
    private String phrase(int end) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < end; i++) {
        Token t = tokens.get(i);
        if (t.kind() == LITERAL || t.kind() == SPECIAL && !t.is('.') && !t.is('@')) {
          throw invalid(original, "'" + t.text() + "' in a display name must be quoted (\"Name\" <local@domain>)");
        }
        if (t.spaceBefore() && sb.length() > 0) sb.append(' ');
        sb.append(t.text());
      }
      return sb.length() == 0 ? null : sb.toString();
    }

    /** local-part "@" domain, from {@code pos} to {@code end}. */
    private Address addrSpec(String name, int end) {
      StringBuilder local = new StringBuilder();
      while (true) {
        Token t = next(end, "expected local@domain");
        if (t.kind() != ATOM && t.kind() != QUOTED) throw unexpected(t, "expected local@domain");
        local.append(t.text());
        Token sep = next(end, "expected local@domain");
        if (sep.is('@')) break;
        if (!sep.is('.')) throw unexpected(sep, "expected local@domain");
        local.append('.');
      }
      StringBuilder domain = new StringBuilder();
      Token t = next(end, "the domain after '@' is missing");
      if (t.kind() == LITERAL) {
        domain.append(t.text());
      } else {
        while (true) {
          if (t.kind() != ATOM) throw unexpected(t, "expected a domain after '@'");
          domain.append(t.text());
          if (pos >= end) break;
          Token sep = tokens.get(pos++);
          if (!sep.is('.')) throw unexpected(sep, "expected the end of the address");
          domain.append('.');
          t = next(end, "the domain ends with '.'");
        }
      }
      if (pos < end) throw unexpected(tokens.get(pos), "expected the end of the address");
      try {
        return new Address(name, local.toString(), domain.toString());
      } catch (InvalidMessageException e) {
        if (e.getMessage().contains("'" + Checks.printable(original) + "'")) throw e;
        throw invalid(original, e.getMessage().replaceFirst("^invalid address '.*?': ", ""));
      }
    }

    private Token next(int end, String why) {
      if (pos >= end) throw invalid(original, why);
      return tokens.get(pos++);
    }

    private InvalidMessageException unexpected(Token t, String why) {
      if (t.is('@')) return invalid(original, "more than one '@' (a local part that holds one must be quoted)");
      return invalid(original, why + ", found '" + t.text() + "'");
    }

    private int indexOf(char special) {
      for (int i = 0; i < tokens.size(); i++) if (tokens.get(i).is(special)) return i;
      return -1;
    }

    private void lex(String s) {
      boolean space = false;
      for (int i = 0; i < s.length(); ) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\t') {
          space = true;
          i++;
        } else if (c == '(') {
          StringBuilder sb = new StringBuilder();
          i = comment(s, i, sb);
          if (comment == null && !sb.toString().isBlank()) comment = sb.toString().strip();
          space = true;
        } else if (c == '"') {
          StringBuilder sb = new StringBuilder();
          i = quoted(s, i, sb);
          tokens.add(new Token(QUOTED, sb.toString(), space));
          space = false;
        } else if (c == '[') {
          int close = s.indexOf(']', i);
          if (close < 0) throw invalid(original, "'[' without ']'");
          tokens.add(new Token(LITERAL, s.substring(i, close + 1), space));
          i = close + 1;
          space = false;
        } else if (isAtext(c) && c >= ' ') {
          int j = i;
          while (j < s.length() && isAtext(s.charAt(j))) j++;
          tokens.add(new Token(ATOM, s.substring(i, j), space));
          i = j;
          space = false;
        } else if ("<>@,;:.".indexOf(c) >= 0) {
          tokens.add(new Token(SPECIAL, String.valueOf(c), space));
          i++;
          space = false;
        } else {
          throw invalid(original, "'" + Checks.printable(String.valueOf(c)) + "' is not allowed here; quote it");
        }
      }
    }

    /** A comment from the '(' at {@code i}, nested ones included; its text goes to {@code sb}. */
    private int comment(String s, int i, StringBuilder sb) {
      int depth = 0;
      for (; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < s.length()) {
          sb.append(s.charAt(++i));
          continue;
        }
        if (c == '(' && depth++ == 0) continue;
        if (c == ')' && --depth == 0) return i + 1;
        sb.append(c);
      }
      throw invalid(original, "'(' without ')'");
    }

    /** A quoted string from the '"' at {@code i}; its unescaped content goes to {@code sb}. */
    private int quoted(String s, int i, StringBuilder sb) {
      for (i++; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < s.length()) sb.append(s.charAt(++i));
        else if (c == '"') return i + 1;
        else sb.append(c);
      }
      throw invalid(original, "unbalanced quotes");
    }
  }

  private static InvalidMessageException invalid(String value, String why) {
    return new InvalidMessageException("invalid address '" + Checks.printable(value) + "': " + why);
  }
}
