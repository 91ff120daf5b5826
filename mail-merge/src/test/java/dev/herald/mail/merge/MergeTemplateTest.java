package dev.herald.mail.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Email;
import dev.herald.mail.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates and data without a network: escaping by context, quoting in address headers, strictness, CSV and JSON lines. */
class MergeTemplateTest {
  @TempDir Path dir;

  private MergeTemplate template(String text) throws Exception {
    Path p = dir.resolve("t.txt");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return MergeTemplate.load(p);
  }

  private static Email ok(MergeTemplate.Rendered r) {
    assertNull(r.error(), () -> String.valueOf(r.error()));
    return r.email();
  }

  @Test void aNameWithACommaOrQuotesIsQuotedInAnAddressHeaderAndKeptAsIsElsewhere() throws Exception {
    MergeTemplate t = template("To: {{name}} <{{email}}>\nCc: {{boss}}\nSubject: For {{name}}\n\nHi {{name}}\n");
    Email e = ok(t.render(Row.of(1, Map.of("name", "Doe, \"J\" <x>", "email", "j@example.net", "boss", "Boss Lady <b@example.net>"))));
    assertEquals("Doe, \"J\" <x>", e.to().get(0).displayName());
    assertEquals("j@example.net", e.to().get(0).localPart() + "@" + e.to().get(0).domain());
    assertEquals("Boss Lady", e.cc().get(0).displayName(), "a field holding a whole address is taken as one");
    assertEquals("For Doe, \"J\" <x>", e.subject());
    assertEquals("Hi Doe, \"J\" <x>\n", e.text().orElseThrow());
  }

  @Test void aFieldInAnAttachOrHtmlPathCannotLeaveTheTemplatesDirectory() throws Exception {
    Path reports = Files.createDirectories(dir.resolve("tpl/reports"));
    Files.writeString(reports.resolve("7.pdf"), "report");
    Files.writeString(dir.resolve("secret.pdf"), "not for the recipients");
    Path p = dir.resolve("tpl/t.txt");
    Files.writeString(p, "To: a@example.net\nSubject: x\nAttach: reports/{{id}}.pdf\n\nHi\n");
    MergeTemplate t = MergeTemplate.load(p);
    assertEquals(1, ok(t.render(Row.of(1, Map.of("id", "7")))).attachments().size());
    for (String hostile : List.of("../../secret", "/etc/passwd\u0000", "..", "a\\..\\..\\secret")) {
      MergeTemplate.Rendered r = t.render(Row.of(2, Map.of("id", hostile)));
      assertNull(r.email(), "data chose the file to attach: " + hostile);
      assertEquals(RowError.Kind.DATA, r.error().kind(), r.error()::toString);
      assertTrue(r.error().message().startsWith("Attach: "), r.error()::toString);
    }
    Files.writeString(dir.resolve("tpl/p.html"), "<p>hi</p>");
    MergeTemplate h = template("To: a@example.net\nSubject: x\nHtml: {{page}}\n\nHi\n");
    assertNull(h.render(Row.of(3, Map.of("page", "tpl/../tpl/p.html"))).email(), "a path from data");
  }

  @Test void theHtmlPartIsEscapedAndTheTextIsNot() throws Exception {
    Files.writeString(dir.resolve("p.html"), "<p>Hi {{name}} {{{raw}}}</p>");
    MergeTemplate t = template("To: a@example.net\nSubject: x\nHtml: p.html\n\nHi {{name}}\n");
    Email e = ok(t.render(Row.of(1, Map.of("name", "<b>&", "raw", "<i>ok</i>"))));
    assertEquals("<p>Hi &lt;b&gt;&amp; <i>ok</i></p>", e.html().orElseThrow());
    assertEquals("Hi <b>&\n", e.text().orElseThrow());
  }

  @Test void sectionsOverJsonListsAndAFoldedHeader() throws Exception {
    Path data = dir.resolve("d.jsonl");
    Files.writeString(data, "{\"email\":\"a@example.net\",\"items\":[{\"n\":\"one\"},{\"n\":\"two\"}],\"price\":1.50,\"vip\":true}\n");
    MergeTemplate t = template("To: {{email}}\nSubject: Your\n  order\n\n{{#items}}- {{n}}\n{{/items}}{{price}}{{#vip}} VIP{{/vip}}\n");
    Email e = ok(t.render(MergeData.read(data).get(0)));
    assertEquals("Your order", e.subject());
    assertEquals("- one\n- two\n1.50 VIP\n", e.text().orElseThrow());
  }

  @Test void aMissingFieldInsideASectionIsAnErrorToo() throws Exception {
    MergeTemplate t = template("To: a@example.net\nSubject: x\n\n{{#items}}{{missing}}{{/items}}\n");
    MergeTemplate.Rendered r = t.render(Row.of(4, Map.of("items", List.of(Map.of("n", "1")))));
    assertEquals(4, r.error().row());
    assertTrue(r.error().message().startsWith("no field 'missing'"), r.error().message());
  }

  @Test void templateMistakesNameTheFileAndLine() {
    InvalidMessageException id = assertThrows(InvalidMessageException.class,
        () -> template("To: a@example.net\nSubject: x\nMessage-ID: <x@y>\n\nbody\n"));
    assertTrue(id.getMessage().contains("line 3") && id.getMessage().contains("set by herald"), id.getMessage());
    assertTrue(assertThrows(InvalidMessageException.class, () -> template("Subject: x\n\nbody\n")).getMessage().contains("no To"));
    assertTrue(assertThrows(InvalidMessageException.class, () -> template("To: a@example.net\nSubject: {{#x}}\n\nb\n"))
        .getMessage().contains("line 2"));
    assertTrue(assertThrows(InvalidMessageException.class, () -> template("just a body\n\n")).getMessage().contains("line 1"));
  }

  @Test void csvWithBomQuotedFieldsAndAShortRow() throws Exception {
    Path p = dir.resolve("d.csv");
    Files.write(p, ("\uFEFFid,name\r\n1,\"Doe, \"\"J\"\"\"\r\n2\r\n3,\"two\r\nlines\"\r\n").getBytes(StandardCharsets.UTF_8));
    List<Row> rows = MergeData.read(p);
    assertEquals(3, rows.size());
    assertEquals(Map.of("id", "1", "name", "Doe, \"J\""), rows.get(0).fields());
    assertTrue(rows.get(1).defect().contains("1 field(s), the header has 2"), rows.get(1).defect());
    assertEquals("two\r\nlines", rows.get(2).fields().get("name"));
  }

  @Test void dataThatIsNotUtf8OrHasNoUsableHeaderIsRefused() throws Exception {
    Path latin1 = dir.resolve("l.csv");
    Files.write(latin1, "id,name\n1,D\u00e9j\u00e0\n".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(assertThrows(InvalidMessageException.class, () -> MergeData.read(latin1)).getMessage().contains("not UTF-8"));
    Path dup = dir.resolve("dup.csv");
    Files.writeString(dup, "id,id\n1,2\n");
    assertTrue(assertThrows(InvalidMessageException.class, () -> MergeData.read(dup)).getMessage().contains("twice"));
    Path other = dir.resolve("d.xlsx");
    Files.writeString(other, "x");
    assertTrue(assertThrows(InvalidMessageException.class, () -> MergeData.read(other)).getMessage().contains(".csv"));
    Path json = dir.resolve("d.jsonl");
    Files.writeString(json, "{\"a\":1}\n[1]\n{bad\n");
    List<Row> rows = MergeData.read(json);
    assertNull(rows.get(0).defect());
    assertTrue(rows.get(1).defect().contains("line 2 is not a JSON object"));
    assertTrue(rows.get(2).defect().contains("line 3 is not valid JSON"));
  }
}
