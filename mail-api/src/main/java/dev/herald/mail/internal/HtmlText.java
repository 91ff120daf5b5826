package dev.herald.mail.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The plain-text alternative of an HTML body, for a message that has HTML only: paragraphs and
 * headings apart by a blank line, {@code <br>} a line break, lists as {@code - item} or
 * {@code 1. item}, links as {@code text <url>}, quotations as {@code > }, entities decoded, nothing
 * of scripts, styles or the head. jsoup parses the HTML (as a browser does, whatever state it is in);
 * this class is only loaded when such a message is rendered, so other messages never load jsoup.
 */
public final class HtmlText {
  private HtmlText() {}

  private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl",
      "blockquote", "pre", "table", "hr", "address", "figure", "form", "fieldset", "details");
  private static final Set<String> LINES = Set.of("div", "section", "article", "header", "footer", "main", "nav",
      "aside", "tr", "li", "dt", "dd", "caption", "figcaption", "summary", "center", "legend", "tbody", "thead", "tfoot");
  private static final Set<String> HIDDEN = Set.of("script", "style", "head", "noscript", "template", "title", "svg",
      "iframe", "object", "canvas", "select", "button");

  /** The text of {@code html}; lines end with LF (the renderer makes them CRLF). */
  public static String of(String html) {
    Document doc = Jsoup.parse(html);
    Writer w = new Writer();
    NodeTraversor.traverse(w, doc.body() != null ? doc.body() : doc);
    return w.result();
  }

  /** Walks the tree once, writing text with pending line breaks resolved at the next word. */
  private static final class Writer implements NodeVisitor {
    private final StringBuilder out = new StringBuilder();
    private final Deque<int[]> lists = new ArrayDeque<>(); // per open list: {ordered ? 1 : 0, next number}
    private int pendingBreaks;   // 0, 1 (line break) or 2 (blank line) before the next text
    private boolean atLineStart = true;
    private boolean spacePending;
    private int quoteDepth;
    private int preDepth;
    private int hiddenDepth;

    @Override public void head(Node node, int depth) {
      if (node instanceof TextNode t) {
        if (hiddenDepth == 0) text(preDepth > 0 ? t.getWholeText() : t.text(), preDepth > 0, !t.isBlank() && startsWithSpace(t));
        return;
      }
      if (!(node instanceof Element e)) return;
      String tag = e.normalName();
      if (HIDDEN.contains(tag)) {
        hiddenDepth++;
        return;
      }
      if (hiddenDepth > 0) return;
      switch (tag) {
        case "br" -> forceBreak();
        case "hr" -> { lineBreak(2); word("----------"); lineBreak(2); }
        case "ul", "ol" -> {
          lineBreak(lists.isEmpty() ? 2 : 1);
          int start = tag.equals("ol") && e.hasAttr("start") ? parseInt(e.attr("start"), 1) : 1;
          lists.push(new int[] {tag.equals("ol") ? 1 : 0, start});
        }
        case "li" -> {
          lineBreak(1);
          int[] list = lists.peek();
          String indent = "  ".repeat(Math.max(0, lists.size() - 1));
          String marker = list != null && list[0] == 1 ? (list[1]++) + ". " : "- ";
          word(indent + marker);
          spacePending = false;
        }
        case "blockquote" -> { lineBreak(2); flushBreaks(); quoteDepth++; } // the blank line before is not quoted
        case "pre" -> { lineBreak(2); preDepth++; }
        case "td", "th" -> { if (e.elementSiblingIndex() > 0) spacePending = true; }
        case "img" -> {
          String alt = e.attr("alt").strip();
          if (!alt.isEmpty()) text(alt, false, true);
        }
        default -> {
          if (PARAGRAPHS.contains(tag)) lineBreak(2);
          else if (LINES.contains(tag)) lineBreak(1);
        }
      }
    }

    @Override public void tail(Node node, int depth) {
      if (!(node instanceof Element e)) return;
      String tag = e.normalName();
      if (HIDDEN.contains(tag)) {
        hiddenDepth--;
        return;
      }
      if (hiddenDepth > 0) return;
      switch (tag) {
        case "a" -> link(e);
        case "ul", "ol" -> { lists.poll(); lineBreak(lists.isEmpty() ? 2 : 1); }
        case "blockquote" -> { quoteDepth--; lineBreak(2); }
        case "pre" -> { preDepth--; lineBreak(2); }
        default -> {
          if (PARAGRAPHS.contains(tag)) lineBreak(2);
          else if (LINES.contains(tag)) lineBreak(1);
        }
      }
    }

    /** After a link's text, its address in angle brackets (RFC 3986 appendix C), unless the text is the address. */
    private void link(Element a) {
      String href = a.attr("href").strip();
      String lower = href.toLowerCase(Locale.ROOT);
      if (href.isEmpty() || lower.startsWith("#") || lower.startsWith("javascript:") || lower.startsWith("data:")) return;
      String shown = lower.startsWith("mailto:") ? href.substring(7) : href;
      String text = a.text().strip();
      if (text.equals(shown) || text.equals(href) || ("http://" + text).equals(href) || ("https://" + text).equals(href)
          || (text + "/").equals(shown)) {
        if (text.isEmpty()) text(shown, false, true);
        return;
      }
      text("<" + shown + ">", false, true);
    }

    private static boolean startsWithSpace(TextNode t) {
      String s = t.getWholeText();
      return !s.isEmpty() && Character.isWhitespace(s.charAt(0));
    }

    private void text(String s, boolean pre, boolean leadingSpace) {
      if (pre) {
        String[] lines = s.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
          if (i > 0) forceBreak();
          if (!lines[i].isEmpty()) word(lines[i]);
        }
        return;
      }
      if (s.isBlank()) {
        if (!s.isEmpty()) spacePending = true;
        return;
      }
      if (leadingSpace) spacePending = true;
      boolean trailing = Character.isWhitespace(s.charAt(s.length() - 1));
      word(s.strip());
      spacePending = trailing;
    }

    /** A line break that always counts ({@code <br>}, a line of {@code <pre>}): two make a blank line. */
    private void forceBreak() {
      flushBreaks();
      if (atLineStart) out.append(">".repeat(quoteDepth));
      out.append('\n');
      atLineStart = true;
    }

    private void word(String s) {
      flushBreaks();
      if (atLineStart) {
        out.append("> ".repeat(quoteDepth));
        atLineStart = false;
      } else if (spacePending) {
        out.append(' ');
      }
      spacePending = false;
      out.append(s);
    }

    /** Ends the line and adds a blank one as the pending breaks ask, counting what is already there. */
    private void flushBreaks() {
      int want = pendingBreaks;
      pendingBreaks = 0;
      if (want == 0 || out.length() == 0) return;
      int have = 0;
      for (int i = out.length() - 1; i >= 0 && have < 2; i--) {
        char c = out.charAt(i);
        if (c == '\n') have++;
        else if (c != '>' && c != ' ') break;
      }
      if (!atLineStart) have = 0;
      for (; have < want; have++) {
        if (have > 0 && quoteDepth > 0) out.append(">".repeat(quoteDepth));
        out.append('\n');
      }
      atLineStart = true;
    }

    private void lineBreak(int n) {
      pendingBreaks = Math.max(pendingBreaks, n);
      spacePending = false;
    }

    String result() {
      String s = out.toString();
      // Trailing spaces of lines go (they would be encoded), and the text ends with one line break.
      s = s.replaceAll("[ \t]+\n", "\n").strip();
      return s.isEmpty() ? "" : s + "\n";
    }

    private static int parseInt(String s, int otherwise) {
      try {
        return Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
  }
}
