package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The sysexits table of DESIGN.md, in one place. */
class ExitCodesTest {
  @Test void theTable() {
    ExitCodes m = new ExitCodes();
    assertEquals(64, m.getExitCode(new CommandLine.ParameterException(new CommandLine(HeraldCommand.spec(new HeraldCommand())), "x")));
    assertEquals(64, m.getExitCode(new UsageException("x")));
    assertEquals(65, m.getExitCode(new InvalidMessageException("x")));
    assertEquals(66, m.getExitCode(new InputNotFoundException("x")));
    SendReceipt r = new SendReceipt(null, List.of(), List.of(new SendReceipt.Rejection("a@b.example", 550, "5.1.1", "no")), null, "h:25");
    assertEquals(67, m.getExitCode(new RecipientsRejectedException(r)));
    assertEquals(69, m.getExitCode(new HostUnreachableException("x")));
    assertEquals(69, m.getExitCode(new PermanentMailException("x")));
    assertEquals(69, m.getExitCode(new MailException("x")));
    assertEquals(70, m.getExitCode(new NullPointerException()));
    assertEquals(74, m.getExitCode(new LocalIoException("x")));
    assertEquals(74, m.getExitCode(new UncheckedIOException(new java.io.IOException("x"))));
    assertEquals(75, m.getExitCode(new TransientMailException("x")));
    assertEquals(76, m.getExitCode(new TlsException("x")));
    assertEquals(76, m.getExitCode(new MalformedReplyException("x")));
    assertEquals(77, m.getExitCode(new AuthenticationException("x")));
    assertEquals(78, m.getExitCode(new InvalidConfigException("x")));
  }
}
