package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.internal.Checks;
import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test void textWithoutControlCharactersIsReturnedAsItIs() {
    String s = "250 2.0.0 Ok: queued as 4Z — Grüße, 日本";
    assertSame(s, Printable.escape(s));
  }

  @Test void terminalEscapesBecomeVisible() {
    assertEquals("554 \\x1b[2J\\x1b[31mfake error\\x07", Printable.escape("554 \u001b[2J\u001b[31mfake error\u0007"));
  }

  @Test void everyC0DelAndC1CharacterIsEscaped() {
    for (char c = 0; c < 0xa0; c++) {
      String out = Printable.escape("a" + c + "b");
      boolean control = c < 0x20 || c >= 0x7f;
      assertEquals(control, Printable.isControl(c), "U+" + Integer.toHexString(c));
      if (control) {
        for (char o : out.toCharArray()) assertFalse(Printable.isControl(o), "U+" + Integer.toHexString(c) + " -> " + out);
      } else {
        assertEquals("a" + c + "b", out);
      }
    }
    assertEquals("\\r\\n\\t\\0\\x7f\\u009b", Printable.escape("\r\n\t\0\u007f\u009b"));
    assertEquals("null", Printable.escape(null));
  }

  @Test void oneLineTurnsLineBreaksIntoSpaces() {
    assertEquals("a b c d\\x1b", Printable.oneLine("a\r\nb\nc\rd\u001b"));
  }

  @Test void checksShowsLineBreaksTheSameWay() {
    assertTrue(Checks.printable("a\r\nb\u001b").equals("a\\r\\nb\\x1b"));
  }
}
