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
 * <p>{@link #parse} accepts {@code local@domain}, {@code Name <local@domain>} and
 * {@code "Quoted, Name" <local@domain>}. Internationalised addresses (RFC 6531) are accepted and
 * reported by {@link #requiresSmtpUtf8()}. Anything else, and any line break, is an
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

  /** Parses one mailbox. */
  public static Address parse(String text) {
    Objects.requireNonNull(text, "address");
    Checks.noLineBreak("address", text);
    String s = text.strip();
    if (s.isEmpty()) throw invalid(text, "it is empty");
    int lt = s.lastIndexOf('<');
    if (lt < 0) {
      if (s.indexOf('>') >= 0) throw invalid(text, "'>' without '<'");
      return fromAddrSpec(null, s, text);
    }
    if (!s.endsWith(">")) throw invalid(text, "nothing may follow '>'");
    String name = unquote(s.substring(0, lt).strip(), text);
    return fromAddrSpec(name.isEmpty() ? null : name, s.substring(lt + 1, s.length() - 1).strip(), text);
  }

  /** Parses a comma-separated list of mailboxes; commas inside quoted display names are kept. */
  public static List<Address> parseList(String text) {
    List<Address> out = new ArrayList<>();
    if (text.indexOf(',') < 0) {  // one mailbox (the usual case): nothing to split
      addNonBlank(out, text);
      return out;
    }
    StringBuilder cur = new StringBuilder();
    boolean quoted = false, escaped = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (escaped) { escaped = false; }
      else if (c == '\\' && quoted) { escaped = true; }
      else if (c == '"') { quoted = !quoted; }
      else if (c == ',' && !quoted) { addNonBlank(out, cur.toString()); cur.setLength(0); continue; }
      cur.append(c);
    }
    addNonBlank(out, cur.toString());
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

  private static Address fromAddrSpec(String name, String spec, String original) {
    int at = spec.lastIndexOf('@');
    if (at <= 0 || at == spec.length() - 1) throw invalid(original, "expected local@domain");
    String local = spec.substring(0, at);
    if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) local = unquote(local, original);
    try {
      return new Address(name, local, spec.substring(at + 1));
    } catch (InvalidMessageException e) {
      if (e.getMessage().contains("'" + original + "'")) throw e;
      throw invalid(original, e.getMessage().replaceFirst("^invalid address '[^']*': ", ""));
    }
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
      if (!domain.endsWith("]") || domain.length() < 3) throw invalid(domain, "malformed address literal");
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

  private static String unquote(String s, String original) {
    if (!s.startsWith("\"")) {
      if (s.indexOf('"') >= 0) throw invalid(original, "unbalanced quotes in the display name");
      return s;
    }
    if (s.length() < 2 || !s.endsWith("\"")) throw invalid(original, "unbalanced quotes in the display name");
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() - 1) c = s.charAt(++i);
      else if (c == '"') throw invalid(original, "unbalanced quotes in the display name");
      sb.append(c);
    }
    return sb.toString();
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

  private static InvalidMessageException invalid(String value, String why) {
    return new InvalidMessageException("invalid address '" + value + "': " + why);
  }
}
