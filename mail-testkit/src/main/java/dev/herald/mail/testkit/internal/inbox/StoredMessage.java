package dev.herald.mail.testkit.internal.inbox;

import dev.herald.mail.testkit.internal.inbox.ParsedMessage.Addr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One message in the inbox: what the list shows (read once, on arrival) and where its bytes are
 * (in memory, or a file of the save directory). Immutable.
 */
public final class StoredMessage {
  private static final int SNIPPET = 250;
  /** Enough body text to search in, without keeping a second copy of large messages. */
  private static final int SEARCH_TEXT = 64 * 1024;
  private static final Pattern TAGS = Pattern.compile("(?is)<(script|style)[^>]*>.*?</\\1>|<[^>]*>");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  /** How it arrived; {@code tlsProtocol} and {@code authUser} may be null. */
  public record Arrival(Instant at, List<String> envelopeRecipients, boolean tls, String tlsProtocol, String authUser) {
    public Arrival {
      envelopeRecipients = List.copyOf(envelopeRecipients);
    }
  }

  private final String id;
  private final Arrival arrival;
  private final byte[] raw;
  private final Path file;
  private final int size;
  private final String messageId;
  private final String subject;
  private final Addr from;
  private final List<Addr> to;
  private final List<Addr> cc;
  private final List<Addr> bcc;
  private final List<Addr> replyTo;
  private final int attachmentCount;
  private final String snippet;
  private final String searchText;

  private StoredMessage(String id, Arrival arrival, byte[] raw, Path file, int size) {
    this.id = id;
    this.arrival = arrival;
    this.raw = raw;
    this.file = file;
    this.size = size;
    ParsedMessage p = parseOrEmpty(raw != null ? raw : read(file));
    this.messageId = stripAngles(p.header("Message-ID"));
    this.subject = p.header("Subject");
    List<Addr> froms = p.addresses("From");
    this.from = froms.isEmpty() ? new Addr("", "") : froms.get(0);
    this.to = List.copyOf(p.addresses("To"));
    this.cc = List.copyOf(p.addresses("Cc"));
    this.replyTo = List.copyOf(p.addresses("Reply-To"));
    this.bcc = List.copyOf(blindCopies(arrival.envelopeRecipients(), p));
    this.attachmentCount = p.attachments().size();
    String body = p.text().orElseGet(() -> p.html().map(h -> TAGS.matcher(h).replaceAll(" ")).orElse(""));
    String flat = SPACE.matcher(body).replaceAll(" ").strip();
    this.snippet = flat.length() <= SNIPPET ? flat : flat.substring(0, SNIPPET) + "…";
    StringBuilder s = new StringBuilder().append(subject).append('\n');
    appendAddr(s, from);
    for (List<Addr> l : List.of(to, cc, bcc, replyTo)) for (Addr a : l) appendAddr(s, a);
    s.append(flat, 0, Math.min(flat.length(), SEARCH_TEXT));
    this.searchText = s.toString().toLowerCase(Locale.ROOT);
  }

  /** A message kept in memory. */
  public static StoredMessage inMemory(String id, Arrival arrival, byte[] raw) {
    return new StoredMessage(id, arrival, raw.clone(), null, raw.length);
  }

  /** A message kept in {@code file}, which holds exactly its bytes. */
  public static StoredMessage inFile(String id, Arrival arrival, Path file) {
    try {
      return new StoredMessage(id, arrival, null, file, (int) Math.min(Integer.MAX_VALUE, Files.size(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String id() { return id; }
  public Arrival arrival() { return arrival; }
  public int size() { return size; }
  public String messageId() { return messageId; }
  public String subject() { return subject; }
  public Addr from() { return from; }
  public List<Addr> to() { return to; }
  public List<Addr> cc() { return cc; }
  /** Envelope recipients that no To or Cc header names: the Bcc the message itself no longer shows. */
  public List<Addr> bcc() { return bcc; }
  public List<Addr> replyTo() { return replyTo; }
  public int attachmentCount() { return attachmentCount; }
  public String snippet() { return snippet; }
  /** Subject, addresses and body text, lower case, for search. */
  String searchText() { return searchText; }
  /** The file it is kept in, if saved. */
  public Path file() { return file; }

  /** The message as received. */
  public byte[] raw() { return raw != null ? raw.clone() : read(file); }

  /** The message taken apart (parsed anew each call: the inbox keeps only the bytes). */
  public ParsedMessage parsed() { return ParsedMessage.parse(raw != null ? raw : read(file)); }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static ParsedMessage parseOrEmpty(byte[] bytes) {
    try {
      return ParsedMessage.parse(bytes);
    } catch (IllegalArgumentException e) {
      return ParsedMessage.parse(new byte[0]);
    }
  }

  private static List<Addr> blindCopies(List<String> envelope, ParsedMessage p) {
    Set<String> shown = new HashSet<>();
    for (String h : List.of("To", "Cc")) for (Addr a : p.addresses(h)) shown.add(a.address().toLowerCase(Locale.ROOT));
    List<Addr> out = new ArrayList<>();
    for (String r : envelope) if (!shown.contains(r.toLowerCase(Locale.ROOT))) out.add(new Addr("", r));
    return out;
  }

  private static void appendAddr(StringBuilder s, Addr a) {
    s.append(a.name()).append(" <").append(a.address()).append(">\n");
  }

  private static String stripAngles(String v) {
    String s = v.strip();
    return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
  }

  @Override public String toString() {
    return "StoredMessage[" + id + ", " + size + " bytes]";
  }
}
