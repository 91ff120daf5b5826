package dev.herald.mail.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataEncoderTest {

  private static String encode(String in, boolean dotStuff, boolean terminate) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataEncoder e = new DataEncoder().reset(out, dotStuff);
    byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
    // Write in awkward pieces: a CR at the end of one write and its LF in the next must still pair.
    for (int i = 0; i < b.length; i += 3) e.write(b, i, Math.min(3, b.length - i));
    e.finish(terminate);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test void everyLineEndingBecomesCrlf() throws IOException {
    assertEquals("a\r\nb\r\nc\r\nd\r\n\r\ne\r\n", encode("a\nb\rc\r\nd\r\r\ne", false, false));
  }

  @Test void crAtEndOfInputBecomesCrlf() throws IOException {
    assertEquals("a\r\n", encode("a\r", false, false));
  }

  @Test void lfCrIsTwoLineEndings() throws IOException {
    assertEquals("a\r\n\r\nb\r\n", encode("a\n\rb", false, false));
  }

  @Test void dotStuffingAndTerminator() throws IOException {
    assertEquals("..\r\n...x\r\na.b\r\n..\r\n.\r\n", encode(".\n..x\na.b\n.", true, true));
  }

  @Test void noDotStuffingForBdat() throws IOException {
    assertEquals(".\r\n..x\r\n", encode(".\n..x", false, false));
  }

  @Test void emptyMessageStillTerminates() throws IOException {
    assertEquals(".\r\n", encode("", true, true));
  }

  @Test void sizeCountsCanonicalOctetsWithoutStuffing() throws IOException {
    DataEncoder e = new DataEncoder().reset(new ByteArrayOutputStream(), true);
    e.write(".a\nb".getBytes(StandardCharsets.US_ASCII));
    e.finish(true);
    assertEquals(".a\r\nb\r\n".length(), e.size());
  }

  @Test void line998IsFineAnd999IsRefused() throws IOException {
    encode("x".repeat(998) + "\r\n" + "y".repeat(998), true, true);
    DataEncoder e = new DataEncoder().reset(new ByteArrayOutputStream(), true);
    byte[] b = ("ok\r\n" + "z".repeat(999)).getBytes(StandardCharsets.US_ASCII);
    DataEncoder.LineTooLongException x = assertThrows(DataEncoder.LineTooLongException.class, () -> e.write(b));
    assertEquals("line 2 of the message is longer than 998 octets", x.getMessage());
    assertNotNull(e.failure());
    assertThrows(DataEncoder.LineTooLongException.class, () -> e.finish(true));
  }

  @Test void largeInputIsStreamedThroughSmallBuffers() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20_000; i++) sb.append(i % 7 == 0 ? "." : "").append("line ").append(i).append('\n');
    String out = encode(sb.toString(), true, true);
    assertEquals(sb.toString().replace("\n.", "\n..").replace("\n", "\r\n").replaceFirst("^\\.", "..") + ".\r\n", out);
  }
}
