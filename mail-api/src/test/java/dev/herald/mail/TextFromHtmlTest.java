package dev.herald.mail;

import static dev.herald.mail.MimeRendererTest.bytes;
import static dev.herald.mail.MimeRendererTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.internal.HtmlText;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15: an HTML-only message went without a text part; now a text alternative is made from the HTML (opt-out). */
class TextFromHtmlTest {
  @TempDir Path dir;

  @Test void convertsParagraphsBreaksLinksListsEntitiesAndDropsScriptsAndStyles() {
    String html = """
        <!DOCTYPE html><html><head><title>Ignored title</title><style>p { color: red }</style>
        <script>alert('no')</script></head><body>
        <h1>Monthly   report</h1>
        <p>Hello&nbsp;Ann &amp; Bob,<br>line two&hellip; &lt;ok&gt; caf&eacute; &#x1F600;</p>
        <p>See <a href="https://example.org/r?id=1&amp;x=2">the report</a>, mail <a href="mailto:help@example.org">help@example.org</a>
        or visit <a href="https://example.org">https://example.org</a>. <a href="#top">Top</a></p>
        <ul><li>first</li><li>second<ol><li>nested a</li><li>nested b</li></ol></li></ul>
        <ol start="3"><li>three</li><li>four</li></ol>
        <blockquote><p>quoted text</p></blockquote>
        <div>a div</div><div>another</div>
        <table><tr><td>cell 1</td><td>cell 2</td></tr><tr><td>cell 3</td></tr></table>
        <pre>  keep   this
          as is</pre>
        <p>Logo: <img src="cid:logo" alt="ACME"><noscript>no script</noscript></p>
        </body></html>
        """;
    assertEquals("""
        Monthly report

        Hello Ann & Bob,
        line two\u2026 <ok> caf\u00e9 \uD83D\uDE00

        See the report <https://example.org/r?id=1&x=2>, mail help@example.org or visit https://example.org. Top

        - first
        - second
          1. nested a
          2. nested b

        3. three
        4. four

        > quoted text

        a div
        another

        cell 1 cell 2
        cell 3

          keep   this
          as is

        Logo: ACME
        """, HtmlText.of(html));
  }

  @Test void aFragmentAndEmptyHtmlWork() {
    assertEquals("just text\n", HtmlText.of("just text"));
    assertEquals("a\n\nb\n", HtmlText.of("a<br><br>b"));
    assertEquals("Logo <https://example.org/>\n", HtmlText.of("<a href=\"https://example.org/\"><img src=x alt=Logo></a>"));
    assertEquals("<https://example.org/>\n", HtmlText.of("<a href=\"https://example.org/\"><img src=x></a>"));
    assertEquals("", HtmlText.of("<script>x()</script>"));
    assertEquals("before\n\n> one\n>\n> two\n\nafter\n", HtmlText.of("before<blockquote><p>one</p><p>two</p></blockquote>after"));
  }

  @Test void anHtmlOnlyMessageIsSentAsAlternativeWithTheTextFirst() throws Exception {
    Email e = Email.builder().from("a@example.org").to("b@example.net").subject("s")
        .html("<p>Hello <b>world</b></p><p><a href=\"https://example.org/x\">more</a></p>").build();
    MimeMessage m = parse(bytes(e.render()));
    assertTrue(m.getContentType().startsWith("multipart/alternative"), m.getContentType());
    MimeMultipart alt = (MimeMultipart) m.getContent();
    assertEquals(2, alt.getCount());
    assertTrue(alt.getBodyPart(0).isMimeType("text/plain"));
    assertEquals("Hello world\r\n\r\nmore <https://example.org/x>\r\n", alt.getBodyPart(0).getContent());
    assertTrue(alt.getBodyPart(1).isMimeType("text/html"));
  }

  @Test void withInlineImagesTheAlternativeSitsInsideRelated() throws Exception {
    Path png = Files.write(dir.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Email e = Email.builder().from("a@example.org").to("b@example.net").subject("s")
        .html("<p>Logo <img src=\"cid:logo\" alt=\"ACME\"></p>").inline("logo", png).build();
    MimeMessage m = parse(bytes(e.render()));
    assertTrue(m.getContentType().startsWith("multipart/related"), m.getContentType());
    assertEquals("multipart/alternative", new jakarta.mail.internet.ContentType(m.getContentType()).getParameter("type"));
    MimeMultipart related = (MimeMultipart) m.getContent();
    MimeMultipart alt = (MimeMultipart) related.getBodyPart(0).getContent();
    assertEquals("Logo ACME\r\n", alt.getBodyPart(0).getContent());
  }

  @Test void theInternationalisedPathMakesTheSameAlternative() throws Exception {
    Email e = Email.builder().from("pelé@example.org").to("b@example.net").subject("s").html("<p>Gr&uuml;&szlig;e</p>").build();
    MimeMessage m = parse(bytes(e.render()));
    MimeMultipart alt = (MimeMultipart) m.getContent();
    assertEquals("Grüße\r\n", alt.getBodyPart(0).getContent());
  }

  @Test void theBuilderOptsOut() throws Exception {
    Email e = Email.builder().from("a@example.org").to("b@example.net").subject("s").html("<p>x</p>").textFromHtml(false).build();
    MimeMessage m = parse(bytes(e.render()));
    assertTrue(m.isMimeType("text/html"), m.getContentType());
  }

  @Test void aTextGivenIsKeptAsIs() throws Exception {
    Email e = Email.builder().from("a@example.org").to("b@example.net").subject("s").text("mine").html("<p>x</p>").build();
    MimeMultipart alt = (MimeMultipart) parse(bytes(e.render())).getContent();
    assertEquals("mine", alt.getBodyPart(0).getContent());
  }

  @Test void theProfileOptsOutUnlessTheMessageDecides() throws Exception {
    HeraldConfig c = HeraldConfig.of(ConfigFactory.parseString(
        "herald.profiles.p { transport = file, directory = \"" + dir + "\", from = \"a@example.org\", text-from-html = false }"));
    try (Mailer mailer = MailerFactory.of(Providers.discover(), c).create("p", dev.herald.mail.spi.TraceListener.NONE, w -> { })) {
      Email htmlOnly = Email.builder().to("b@example.net").subject("s").html("<p>x</p>").build();
      assertFalse(mailer.withDefaults(htmlOnly).textFromHtml());
      assertTrue(parse(bytes(mailer.withDefaults(htmlOnly).render())).isMimeType("text/html"));
      Email decided = Email.builder().to("b@example.net").subject("s").html("<p>x</p>").textFromHtml(true).build();
      assertTrue(parse(bytes(mailer.withDefaults(decided).render())).isMimeType("multipart/alternative"));
    }
  }
}
