package dev.herald.mail;

import dev.herald.mail.internal.Checks;
import dev.herald.mail.internal.ContentTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file attached to an {@link Email}, or an inline part referred to by {@code cid:} from the HTML.
 *
 * <p>The content is read from its {@link Source} while the message is written, never held whole in
 * memory (except for {@link #of(String, byte[])}, whose bytes the caller already holds). A source
 * may be opened more than once.
 */
public final class Attachment {

  /** Opens the attachment's content; each call returns a fresh stream from the beginning. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  private final String fileName;
  private final String contentType;
  private final String contentId;
  private final Source source;
  private final Path path;
  private final long heldSize;  // the length of bytes given to of(String, byte[]), else -1

  private Attachment(String fileName, String contentType, String contentId, Source source, Path path, long heldSize) {
    this.fileName = Checks.noLineBreak("attachment file name", Objects.requireNonNull(fileName, "fileName"));
    this.contentType = Checks.noLineBreak("content type", Objects.requireNonNull(contentType, "contentType"));
    this.contentId = contentId == null ? null : Checks.noLineBreak("Content-ID", contentId);
    this.source = Objects.requireNonNull(source, "source");
    this.path = path;
    this.heldSize = heldSize;
    if (contentId != null && (contentId.isBlank() || contentId.contains("<") || contentId.contains(">"))) {
      throw new InvalidMessageException("invalid Content-ID '" + contentId + "': give it without angle brackets");
    }
  }

  /**
   * A file, named after its last path element, its content type detected from the name.
   *
   * @throws InputNotFoundException if the file does not exist or cannot be read
   */
  public static Attachment fromPath(Path path) {
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new InputNotFoundException("cannot read attachment '" + path + "': no such readable file");
    }
    String name = path.getFileName().toString();
    return new Attachment(name, ContentTypes.guess(name), null, () -> Files.newInputStream(path), path, -1);
  }

  /** Bytes the caller already holds; the array is copied. */
  public static Attachment of(String fileName, byte[] content) {
    byte[] copy = content.clone();
    return new Attachment(fileName, ContentTypes.guess(fileName), null, () -> new ByteArrayInputStream(copy), null, copy.length);
  }

  /** Content from a source that can be opened repeatedly (a blob store, a generated report…). */
  public static Attachment of(String fileName, Source source) {
    return new Attachment(fileName, ContentTypes.guess(fileName), null, source, null, -1);
  }

  /** The same attachment with an explicit content type such as {@code application/pdf}. */
  public Attachment withContentType(String type) {
    return new Attachment(fileName, type, contentId, source, path, heldSize);
  }

  /** The same content as an inline part that HTML refers to as {@code cid:ID}. */
  public Attachment withContentId(String id) {
    return new Attachment(fileName, contentType, id, source, path, heldSize);
  }

  public String fileName() { return fileName; }

  public String contentType() { return contentType; }

  /** The Content-ID (without angle brackets) when this is an inline part, else null. */
  public String contentId() { return contentId; }

  public boolean inline() { return contentId != null; }

  public Source source() { return source; }

  /**
   * The content's size in octets when known without reading it: the file's current size, or the
   * length of the bytes given; -1 for a {@link Source}, a file whose size cannot be read now, or a
   * file that says it is empty (files under /proc do, whatever they hold: they are measured by reading).
   */
  public long knownSize() {
    if (path == null) return heldSize;
    try {
      long n = Files.size(path);
      return n == 0 ? -1 : n;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override public String toString() {
    return "Attachment[" + fileName + ", " + contentType + (contentId == null ? "" : ", cid:" + contentId)
        + (path == null ? "" : ", " + path) + "]";
  }
}
