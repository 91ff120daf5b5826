package dev.herald.mail.internal;

import jakarta.activation.MimetypesFileTypeMap;
import java.util.Locale;
import java.util.Map;

/** Guesses a content type from a file name; the caller can always override it. */
public final class ContentTypes {
  private ContentTypes() {}

  // Common types first: the activation default map lacks several of them (pdf is there, but not json, csv…).
  private static final Map<String, String> COMMON = Map.ofEntries(
      Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
      Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("json", "application/json"),
      Map.entry("xml", "application/xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"),
      Map.entry("webp", "image/webp"), Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
      Map.entry("ics", "text/calendar"), Map.entry("eml", "message/rfc822"), Map.entry("md", "text/markdown"),
      Map.entry("doc", "application/msword"), Map.entry("xls", "application/vnd.ms-excel"),
      Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
      Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
      Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"));

  private static volatile MimetypesFileTypeMap fallback;

  public static String guess(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot >= 0) {
      String type = COMMON.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (type != null) return type;
    }
    MimetypesFileTypeMap map = fallback;
    if (map == null) fallback = map = new MimetypesFileTypeMap();
    return map.getContentType(fileName);
  }
}
