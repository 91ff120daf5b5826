package dev.herald.mail.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.Stage;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.spi.TraceListener;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyReaderTest {
  private static final Trace NO_TRACE = new Trace(TraceListener.NONE, "");

  private static ReplyReader reader(String wire) {
    return new ReplyReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
  }

  @Test void singleLineWithEnhancedCode() throws IOException {
    SmtpReply r = reader("250 2.1.0 Sender OK\r\n").read(Stage.MAIL, NO_TRACE);
    assertEquals(250, r.code());
    assertEquals("2.1.0", r.enhancedCode());
    assertEquals("Sender OK", r.text());
    assertEquals("250 2.1.0 Sender OK", r.toString());
  }

  @Test void multiLineReply() throws IOException {
    SmtpReply r = reader("250-smtp.example.org Hello\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n").read(Stage.EHLO, NO_TRACE);
    assertEquals(List.of("smtp.example.org Hello", "PIPELINING", "SIZE 1000", "AUTH PLAIN LOGIN"), r.lines());
    assertNull(r.enhancedCode());
    Capabilities c = Capabilities.parse(r);
    assertTrue(c.pipelining());
    assertEquals(1000, c.sizeLimit());
    assertEquals(List.of("PLAIN", "LOGIN"), List.copyOf(c.authMechanisms()));
  }

  @Test void gmailStyleMultiLineWithEnhancedCodes() throws IOException {
    SmtpReply r = reader("535-5.7.8 Username and Password not accepted. For more information, go to\r\n"
        + "535 5.7.8  https://support.google.com/mail/?p=BadCredentials x1-20020a\r\n").read(Stage.AUTH, NO_TRACE);
    assertEquals(535, r.code());
    assertEquals("5.7.8", r.enhancedCode());
    assertTrue(r.text().startsWith("Username and Password not accepted."));
  }

  @Test void enhancedCodeMustMatchTheReplyClass() throws IOException {
    assertNull(reader("250 5.1.1 odd\r\n").read(Stage.MAIL, NO_TRACE).enhancedCode());
    assertNull(reader("250 2.1 short\r\n").read(Stage.MAIL, NO_TRACE).enhancedCode());
    assertNull(reader("250 2.1.0x\r\n").read(Stage.MAIL, NO_TRACE).enhancedCode());
  }

  @Test void bareCodeAndBareLfAreAccepted() throws IOException {
    ReplyReader r = reader("250\n354 go on\n");
    assertEquals(250, r.read(Stage.MAIL, NO_TRACE).code());
    assertEquals(354, r.read(Stage.DATA, NO_TRACE).code());
  }

  @Test void garbageIsMalformed() {
    assertThrows(MalformedReplyException.class, () -> reader("hello\r\n").read(Stage.CONNECT, NO_TRACE));
    assertThrows(MalformedReplyException.class, () -> reader("99 no\r\n").read(Stage.CONNECT, NO_TRACE));
    assertThrows(MalformedReplyException.class, () -> reader("250x\r\n").read(Stage.CONNECT, NO_TRACE));
    assertThrows(MalformedReplyException.class, () -> reader("650 what\r\n").read(Stage.CONNECT, NO_TRACE));
    assertThrows(MalformedReplyException.class, () -> reader("250-a\r\n251 b\r\n").read(Stage.CONNECT, NO_TRACE));
  }

  @Test void overlongLineIsMalformedNotOom() {
    MalformedReplyException e = assertThrows(MalformedReplyException.class,
        () -> reader("250 " + "x".repeat(5000) + "\r\n").read(Stage.MAIL, NO_TRACE));
    assertEquals(Stage.MAIL, e.stage());
  }

  @Test void tooManyLinesIsMalformed() {
    assertThrows(MalformedReplyException.class, () -> reader("250-x\r\n".repeat(200) + "250 y\r\n").read(Stage.EHLO, NO_TRACE));
  }

  @Test void closedConnectionIsEof() {
    assertThrows(EOFException.class, () -> reader("250-half").read(Stage.MAIL, NO_TRACE));
  }

  @Test void reportsBufferedBytes() throws IOException {
    ReplyReader r = reader("220 go ahead\r\n250 injected\r\n");
    r.read(Stage.STARTTLS, NO_TRACE);
    assertTrue(r.hasBuffered());
    r.read(Stage.STARTTLS, NO_TRACE);
    assertFalse(r.hasBuffered());
  }
}
