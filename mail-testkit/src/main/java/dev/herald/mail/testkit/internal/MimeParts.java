package dev.herald.mail.testkit.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the parts of a parsed message for assertions: the text and HTML bodies, attachments by name. */
public final class MimeParts {
  private MimeParts() { }

  /** The decoded subject, or {@code ""} when there is none. */
  public static String subject(MimeMessage m) {
    try {
      String s = m.getSubject();
      return s == null ? "" : s;
    } catch (MessagingException e) {
      throw failure(e);
    }
  }

  /** The first body part of this MIME type ({@code text/plain}, {@code text/html}) that is not an attachment, decoded. */
  public static Optional<String> body(Part p, String mimeType) {
    try {
      if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) return Optional.empty();
      if (p.isMimeType(mimeType)) return Optional.of(String.valueOf(p.getContent()));
      if (p.isMimeType("multipart/*") && p.getContent() instanceof Multipart mp) {
        for (int i = 0; i < mp.getCount(); i++) {
          Optional<String> found = body(mp.getBodyPart(i), mimeType);
          if (found.isPresent()) return found;
        }
      }
      return Optional.empty();
    } catch (MessagingException | IOException e) {
      throw failure(e);
    }
  }

  /** The file names of the parts that have one (attachments and inline parts), in order. */
  public static List<String> fileNames(Part p) {
    List<String> out = new ArrayList<>();
    collect(p, out);
    return out;
  }

  /** The decoded content of the part named {@code fileName}. */
  public static Optional<byte[]> file(Part p, String fileName) {
    try {
      if (fileName.equals(p.getFileName())) {
        try (InputStream in = p.getInputStream()) {
          return Optional.of(in.readAllBytes());
        }
      }
      if (p.isMimeType("multipart/*") && p.getContent() instanceof Multipart mp) {
        for (int i = 0; i < mp.getCount(); i++) {
          Optional<byte[]> found = file(mp.getBodyPart(i), fileName);
          if (found.isPresent()) return found;
        }
      }
      return Optional.empty();
    } catch (MessagingException | IOException e) {
      throw failure(e);
    }
  }

  private static void collect(Part p, List<String> out) {
    try {
      if (p.getFileName() != null) out.add(p.getFileName());
      if (p.isMimeType("multipart/*") && p.getContent() instanceof Multipart mp) {
        for (int i = 0; i < mp.getCount(); i++) collect(mp.getBodyPart(i), out);
      }
    } catch (MessagingException | IOException e) {
      throw failure(e);
    }
  }

  private static IllegalStateException failure(Exception e) {
    return new IllegalStateException("cannot read the message: " + e.getMessage(), e);
  }
}
