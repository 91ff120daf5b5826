package dev.herald.mail.merge;

import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.herald.mail.Attachment;
import dev.herald.mail.Email;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.MailException;
import dev.herald.mail.merge.internal.Strict;
import dev.herald.mail.merge.internal.Strict.Escape;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A merge template: one UTF-8 file with headers, a blank line and the text body, every value a Mustache
 * template over a row's fields ({@code {{name}}}).
 *
 * <pre>
 * To: {{name}} &lt;{{email}}&gt;
 * Subject: Your report, {{name}}
 * Attach: reports/{{id}}.pdf
 * Html: report.html
 *
 * Dear {{name}}, …
 * </pre>
 *
 * {@code From}, {@code To}, {@code Cc}, {@code Bcc}, {@code Reply-To} and {@code Subject} are the
 * message's; {@code Attach} (repeatable) names a file to attach and {@code Html} a file whose rendering
 * (HTML-escaped) is the HTML part, both relative to the template's directory (a field in their value fills in a file name, never a path:
 * no {@code /}, {@code \} or {@code ..} from the data); any other header is added
 * as written. A field the row lacks is an error naming it, never an empty string. In address headers a
 * value with a comma or quote is quoted for you ({@code "Doe, Jane" <jane@example.org>}). Lines that
 * begin with a space or tab continue the header above.
 */
public final class MergeTemplate {
  private static final List<String> ADDRESS_HEADERS = List.of("from", "to", "cc", "bcc", "reply-to");

  private final Path file;
  private final Path directory;
  private final List<Header> headers;
  private final Mustache body;
  private final Strict html;
  private final Map<Path, Mustache> htmlTemplates = new ConcurrentHashMap<>();
  private final byte[] bytes;

  private record Header(String name, Mustache value, int line) { }

  private MergeTemplate(Path file, byte[] bytes, String text) {
    this.file = file;
    this.bytes = bytes;
    this.directory = file.toAbsolutePath().getParent();
    Strict raw = new Strict(directory.toFile(), Escape.NONE);
    Strict address = new Strict(directory.toFile(), Escape.ADDRESS);
    Strict fileName = new Strict(directory.toFile(), Escape.FILE_NAME);
    this.html = new Strict(directory.toFile(), Escape.HTML);
    String[] lines = text.split("\r?\n", -1);
    List<Header> hs = new ArrayList<>();
    int i = 0;
    List<String> names = new ArrayList<>();
    List<StringBuilder> values = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (; i < lines.length && !lines[i].isEmpty(); i++) {
      String l = lines[i];
      if ((l.startsWith(" ") || l.startsWith("\t")) && !values.isEmpty()) {
        values.get(values.size() - 1).append(' ').append(l.strip());
        continue;
      }
      int colon = l.indexOf(':');
      if (colon <= 0 || !l.substring(0, colon).matches("[!-9;-~]+")) {
        throw new InvalidMessageException(file + " line " + (i + 1) + ": expected a header such as 'Subject: …' (headers, a blank"
            + " line, then the body)");
      }
      names.add(l.substring(0, colon));
      values.add(new StringBuilder(l.substring(colon + 1).strip()));
      at.add(i + 1);
    }
    if (i == lines.length) throw new InvalidMessageException(file + " has no blank line: write the headers, a blank line, then the body");
    boolean recipient = false;
    boolean subject = false;
    for (int h = 0; h < names.size(); h++) {
      String lower = names.get(h).toLowerCase(Locale.ROOT);
      recipient |= lower.equals("to") || lower.equals("cc") || lower.equals("bcc");
      subject |= lower.equals("subject");
      if (lower.equals("message-id") || lower.equals("date")) {
        throw new InvalidMessageException(file + " line " + at.get(h) + ": " + names.get(h) + " is set by herald (a stable"
            + " Message-ID per row, so a rerun is recognised); remove it");
      }
      Strict s = ADDRESS_HEADERS.contains(lower) ? address : lower.equals("attach") || lower.equals("html") ? fileName : raw;
      hs.add(new Header(names.get(h), compile(s, values.get(h).toString(), names.get(h), at.get(h)), at.get(h)));
    }
    if (!recipient) throw new InvalidMessageException(file + " has no To, Cc or Bcc header: add e.g. 'To: {{email}}'");
    if (!subject) throw new InvalidMessageException(file + " has no Subject header: add e.g. 'Subject: Hello {{name}}'");
    this.headers = List.copyOf(hs);
    this.body = compile(raw, String.join("\n", java.util.Arrays.asList(lines).subList(i + 1, lines.length)), "body", i + 2);
  }

  private Mustache compile(Strict s, String text, String what, int line) {
    try {
      return s.compile(text, file.getFileName() + ":" + line);
    } catch (MustacheException e) {
      throw new InvalidMessageException(file + " line " + line + " (" + what + "): " + RowError.oneLine(e.getMessage()), e);
    }
  }

  /**
   * Reads and compiles a template file.
   *
   * @throws InputNotFoundException when it does not exist
   * @throws InvalidMessageException when it is not a template (no headers, no blank line, bad Mustache, not UTF-8)
   */
  public static MergeTemplate load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputNotFoundException("cannot read template " + file + ": no such file");
    } catch (IOException e) {
      throw new InputNotFoundException("cannot read template " + file + ": " + e.getMessage(), e);
    }
    return new MergeTemplate(file, bytes, utf8(file, bytes));
  }

  private static String utf8(Path file, byte[] bytes) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (CharacterCodingException e) {
      throw new InvalidMessageException(file + " is not UTF-8 text: save it as UTF-8");
    }
  }

  public Path file() { return file; }

  /** The template's bytes, as read (a batch's identity includes them when it is named by content). */
  byte[] bytes() { return bytes.clone(); }

  /** The message of one row, or why there is none. */
  public record Rendered(Row row, Email email, String recipients, RowError error) { }

  /**
   * Renders one row into a message (without Message-ID and Date: the merge sets them). Attachments are
   * checked to exist and be readable; they are read when the message is sent.
   */
  public Rendered render(Row row) {
    StringBuilder recipients = new StringBuilder();
    if (row.defect() != null) return failed(row, "", new RowError(row.number(), "", row.defect(), RowError.Kind.DATA));
    String currentHeader = "";
    try {
      Email.Builder b = Email.builder();
      for (Header h : headers) {
        currentHeader = h.name();
        String v = Strict.render(h.value(), row.fields()).strip();
        String lower = h.name().toLowerCase(Locale.ROOT);
        if (lower.equals("to") || lower.equals("cc") || lower.equals("bcc")) {
          if (recipients.length() > 0) recipients.append(", ");
          recipients.append(v);
        }
        switch (lower) {
          case "from" -> b.from(v);
          case "to" -> b.to(v);
          case "cc" -> b.cc(v);
          case "bcc" -> b.bcc(v);
          case "reply-to" -> b.replyTo(v);
          case "subject" -> b.subject(v);
          case "attach" -> b.attach(Attachment.fromPath(resolve(v, "Attach")));
          case "html" -> b.html(Strict.render(htmlTemplate(resolve(v, "Html")), row.fields()));
          default -> b.header(h.name(), v);
        }
      }
      b.text(Strict.render(body, row.fields()));
      return new Rendered(row, b.build(), recipients.toString(), null);
    } catch (Strict.MissingField e) {
      return failed(row, recipients.toString(), new RowError(row.number(), recipients.toString(), "no field '" + e.field()
          + "' (the template uses {{" + e.field() + "}}; the data has " + String.join(", ", row.fields().keySet()) + ")",
          RowError.Kind.DATA));
    } catch (Strict.NotAFileName e) {
      return failed(row, recipients.toString(), new RowError(row.number(), recipients.toString(), currentHeader + ": "
          + e.getMessage(), RowError.Kind.DATA));
    } catch (MailException | IllegalArgumentException | MustacheException e) {
      return failed(row, recipients.toString(), RowError.of(row.number(), recipients.toString(), e));
    }
  }

  private static Rendered failed(Row row, String recipients, RowError e) { return new Rendered(row, null, recipients, e); }

  private Path resolve(String value, String header) {
    if (value.isEmpty()) throw new InvalidMessageException(header + " is empty");
    if (value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new InvalidMessageException(header + " names a file with a line break or NUL in its name");
    }
    Path p = directory.resolve(value).normalize();
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new InputNotFoundException(header + ": no such readable file " + value + " (relative to " + directory.getFileName() + "/)");
    }
    return p;
  }

  private Mustache htmlTemplate(Path p) {
    return htmlTemplates.computeIfAbsent(p, path -> {
      try {
        byte[] b = Files.readAllBytes(path);
        return compile(html, utf8(path, b), "Html " + path.getFileName(), 1);
      } catch (IOException e) {
        throw new InputNotFoundException("Html: cannot read " + path + ": " + e.getMessage(), e);
      }
    });
  }
}
