package dev.herald.mail;

import dev.herald.mail.internal.Checks;
import dev.herald.mail.internal.MimeRenderer;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An email message, immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * Email email = Email.builder()
 *     .from("Ann <ann@example.org>").to("bob@example.net")
 *     .subject("Report").text("Attached.").attach(Path.of("report.pdf"))
 *     .build();
 * }</pre>
 *
 * <p>Every address, the subject and every header are checked when set: a CR or LF is refused
 * with an {@link InvalidMessageException}, never folded into a new header.
 */
public final class Email {

  /** Headers that the model writes itself; set them through the builder's own methods. */
  static final Set<String> RESERVED_HEADERS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
      "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding",
      "x-priority", "importance");

  private final Address from;
  private final Address sender;
  private final List<Address> replyTo;
  private final List<Address> to;
  private final List<Address> cc;
  private final List<Address> bcc;
  private final String subject;
  private final String text;
  private final String html;
  private final List<Attachment> attachments;
  private final Map<String, String> headers;
  private final Priority priority;
  private final String messageId;
  private final ZonedDateTime date;
  private final Boolean textFromHtml;

  private Email(Builder b) {
    this.from = b.from;
    this.sender = b.sender;
    this.replyTo = List.copyOf(b.replyTo);
    this.to = List.copyOf(b.to);
    this.cc = List.copyOf(b.cc);
    this.bcc = List.copyOf(b.bcc);
    this.subject = b.subject;
    this.text = b.text;
    this.html = b.html;
    this.attachments = List.copyOf(b.attachments);
    this.headers = b.headers.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.priority = b.priority;
    this.messageId = b.messageId;
    this.date = b.date;
    this.textFromHtml = b.textFromHtml;
  }

  public static Builder builder() { return new Builder(); }

  /**
   * A new Message-ID as Herald writes one, with angle brackets: {@code <random.time@domain>}, the
   * domain {@code from}'s (ASCII form), 85 random bits from the kernel's source, no host or user name.
   * For a message that needs its id before it is sent (a queue that stores a raw message without one).
   */
  public static String newMessageId(Address from) { return MimeRenderer.newMessageId(from); }

  /** A builder holding this message's values, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.from = from; b.sender = sender; b.replyTo.addAll(replyTo); b.to.addAll(to); b.cc.addAll(cc);
    b.bcc.addAll(bcc); b.subject = subject; b.text = text; b.html = html; b.attachments.addAll(attachments);
    b.headers.putAll(headers); b.priority = priority; b.messageId = messageId; b.date = date;
    b.textFromHtml = textFromHtml;
    return b;
  }

  /** The author; empty until a {@link Mailer} fills in its profile's default {@code from}. */
  public Optional<Address> from() { return Optional.ofNullable(from); }
  public Optional<Address> sender() { return Optional.ofNullable(sender); }
  public List<Address> replyTo() { return replyTo; }
  public List<Address> to() { return to; }
  public List<Address> cc() { return cc; }
  /** Blind copies: in the envelope only, never in the headers. */
  public List<Address> bcc() { return bcc; }
  public String subject() { return subject; }
  public Optional<String> text() { return Optional.ofNullable(text); }
  public Optional<String> html() { return Optional.ofNullable(html); }
  public List<Attachment> attachments() { return attachments; }
  /** Extra headers in the order given. */
  public Map<String, String> headers() { return headers; }
  public Priority priority() { return priority; }
  public Optional<String> messageId() { return Optional.ofNullable(messageId); }
  public Optional<ZonedDateTime> date() { return Optional.ofNullable(date); }

  /**
   * Whether a message with HTML and no text gets a text alternative made from the HTML when rendered
   * (true unless {@link Builder#textFromHtml(boolean)} or the profile's {@code text-from-html} says no).
   */
  public boolean textFromHtml() { return textFromHtml == null || textFromHtml; }

  /** Whether the message itself decided {@link #textFromHtml()} (else a profile's default applies). */
  boolean textFromHtmlDecided() { return textFromHtml != null; }

  /** True when an address needs a server with SMTPUTF8 (RFC 6531). */
  public boolean requiresSmtpUtf8() {
    if ((from != null && from.requiresSmtpUtf8()) || (sender != null && sender.requiresSmtpUtf8())) return true;
    return anyUtf8(replyTo) || anyUtf8(to) || anyUtf8(cc) || anyUtf8(bcc);
  }

  private static boolean anyUtf8(List<Address> list) {
    for (int i = 0; i < list.size(); i++) if (list.get(i).requiresSmtpUtf8()) return true;
    return false;
  }

  /**
   * Renders the message as RFC 5322 / MIME; the result streams attachments when written.
   *
   * @throws InvalidMessageException when the message has no sender
   */
  public MessageContent render() { return MimeRenderer.render(this); }

  @Override public String toString() {
    return "Email[from=" + from + ", to=" + to + ", cc=" + cc + ", bcc=" + bcc.size() + " hidden, subject="
        + subject + ", attachments=" + attachments.size() + "]";
  }

  /** Builds an {@link Email}; {@link #build()} names any missing part. Not thread-safe. */
  public static final class Builder {
    private Address from;
    private Address sender;
    private final List<Address> replyTo = new ArrayList<>();
    private final List<Address> to = new ArrayList<>();
    private final List<Address> cc = new ArrayList<>();
    private final List<Address> bcc = new ArrayList<>();
    private String subject;
    private String text;
    private String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Priority priority = Priority.NORMAL;
    private String messageId;
    private ZonedDateTime date;
    private Boolean textFromHtml;

    private Builder() {}

    public Builder from(String address) { return from(Address.parse(address)); }
    public Builder from(Address address) { this.from = address; return this; }
    /** The Sender header: the mailbox responsible for sending on behalf of {@code from}. */
    public Builder sender(String address) { return sender(address == null ? null : Address.parse(address)); }
    public Builder sender(Address address) { this.sender = address; return this; }

    /** Adds Reply-To addresses; each string may be a comma-separated list. */
    public Builder replyTo(String... addresses) { return add(replyTo, addresses); }
    public Builder to(String... addresses) { return add(to, addresses); }
    public Builder cc(String... addresses) { return add(cc, addresses); }
    public Builder bcc(String... addresses) { return add(bcc, addresses); }
    public Builder to(Collection<Address> addresses) { to.addAll(addresses); return this; }
    public Builder cc(Collection<Address> addresses) { cc.addAll(addresses); return this; }
    public Builder bcc(Collection<Address> addresses) { bcc.addAll(addresses); return this; }
    public Builder replyTo(Collection<Address> addresses) { replyTo.addAll(addresses); return this; }

    public Builder subject(String subject) {
      this.subject = subject == null ? null : Checks.noLineBreak("the subject", subject);
      return this;
    }

    /** The plain-text body; line endings are normalised to CRLF when rendered. */
    public Builder text(String text) { this.text = text; return this; }
    /**
     * The HTML body; with a text body as well, the message is multipart/alternative. Without one, a
     * text alternative is made from the HTML when the message is rendered (see {@link #textFromHtml}),
     * as the best senders do: some readers show only text, and spam filters mark HTML alone.
     */
    public Builder html(String html) { this.html = html; return this; }

    /**
     * Whether an HTML-only message gets a text alternative made from its HTML (paragraphs, lists,
     * links as {@code text <url>}); on by default. False sends the HTML alone.
     */
    public Builder textFromHtml(boolean on) { this.textFromHtml = on; return this; }

    public Builder attach(Attachment attachment) { attachments.add(attachment); return this; }
    /** Attaches a file; fails at once with {@link InputNotFoundException} if it cannot be read. */
    public Builder attach(Path file) { return attach(Attachment.fromPath(file)); }
    /** Adds an inline part that the HTML body shows as {@code <img src="cid:contentId">}. */
    public Builder inline(String contentId, Path file) {
      return attach(Attachment.fromPath(file).withContentId(contentId));
    }

    /** Adds a header (replacing one of the same name); reserved names have their own methods. */
    public Builder header(String name, String value) {
      Checks.headerName(name);
      Checks.noLineBreak("header " + name, value);
      String lower = name.toLowerCase(Locale.ROOT);
      if (RESERVED_HEADERS.contains(lower)) {
        throw new InvalidMessageException("header '" + name + "' is set by Herald itself: use its own option instead");
      }
      headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    public Builder priority(Priority priority) { this.priority = java.util.Objects.requireNonNull(priority); return this; }

    /** An explicit Message-ID, with or without angle brackets; generated when absent. */
    public Builder messageId(String id) {
      if (id == null) { this.messageId = null; return this; }
      Checks.noLineBreak("Message-ID", id);
      String bare = id.strip();
      if (bare.startsWith("<") && bare.endsWith(">")) bare = bare.substring(1, bare.length() - 1);
      int at = bare.indexOf('@');
      if (at <= 0 || at == bare.length() - 1 || bare.chars().anyMatch(c -> c <= ' ' || c > 126 || c == '<' || c == '>')) {
        throw new InvalidMessageException("invalid Message-ID '" + id + "': expected <unique@domain>");
      }
      this.messageId = "<" + bare + ">";
      return this;
    }

    /** An explicit Date; the time of rendering when absent. */
    public Builder date(ZonedDateTime date) { this.date = date; return this; }

    public Email build() {
      List<String> missing = new ArrayList<>();
      if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) missing.add("a recipient (to, cc or bcc)");
      if (subject == null) missing.add("a subject");
      if (!missing.isEmpty()) throw new InvalidMessageException("the message needs " + String.join(" and ", missing));
      return new Email(this);
    }

    private Builder add(List<Address> list, String... addresses) {
      for (String a : addresses) list.addAll(Address.parseList(a));
      return this;
    }
  }
}
