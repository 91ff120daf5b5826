package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
    assertEquals(70, m.getExitCode(new MailException("x")), "neither transient nor permanent: unexpected, a bug");
    assertEquals(70, m.getExitCode(new NullPointerException()));
    assertEquals(74, m.getExitCode(new LocalIoException("x")));
    assertEquals(74, m.getExitCode(new UncheckedIOException(new java.io.IOException("x"))));
    assertEquals(69, m.getExitCode(new PermanentMailException(Reason.UNKNOWN_HOST, "unknown host 'x'", null)));
    assertEquals(75, m.getExitCode(new TransientMailException("x")));
    assertEquals(76, m.getExitCode(new TlsException("x")));
    assertEquals(76, m.getExitCode(new MalformedReplyException("x")));
    assertEquals(77, m.getExitCode(new AuthenticationException("x")));
    assertEquals(78, m.getExitCode(new InvalidConfigException("x")));
  }

  /** DESIGN.md's table by reason, written out here independently of {@link ExitCodes#of(Reason)}. */
  static final Map<Reason, Integer> DESIGN = new EnumMap<>(Map.ofEntries(
      Map.entry(Reason.INVALID_MESSAGE, 65),
      Map.entry(Reason.INPUT_NOT_FOUND, 66),
      Map.entry(Reason.REJECTED_RECIPIENTS, 67),
      Map.entry(Reason.UNKNOWN_HOST, 69),
      Map.entry(Reason.CONNECTION_REFUSED, 69),
      Map.entry(Reason.SERVER_PERMANENT, 69),
      Map.entry(Reason.MESSAGE_TOO_LARGE, 69),
      Map.entry(Reason.INTERNAL, 70),
      Map.entry(Reason.LOCAL_IO, 74),
      Map.entry(Reason.TIMEOUT, 75),
      Map.entry(Reason.CONNECTION_LOST, 75),
      Map.entry(Reason.SERVER_TRANSIENT, 75),
      Map.entry(Reason.CANCELLED, 75),
      Map.entry(Reason.TLS_UNAVAILABLE, 76),
      Map.entry(Reason.TLS_UNTRUSTED, 76),
      Map.entry(Reason.TLS_FAILED, 76),
      Map.entry(Reason.MALFORMED_REPLY, 76),
      Map.entry(Reason.AUTH_FAILED, 77),
      Map.entry(Reason.CONFIG, 78)));

  @Test void theTableNamesEveryReason() {
    assertEquals(EnumSet.allOf(Reason.class), DESIGN.keySet(), "a reason without a documented exit code");
  }

  /** By reason alone, whichever class carries it: the code says why, the class only whether to retry. */
  @ParameterizedTest @EnumSource(Reason.class)
  void everyReasonMapsToItsDocumentedCode(Reason reason) {
    int code = DESIGN.get(reason);
    assertEquals(code, ExitCodes.of(reason));
    assertEquals(code, ExitCodes.of(new TransientMailException(reason, "x", null)));
    assertEquals(code, ExitCodes.of(new PermanentMailException(reason, "x", null)));
    assertEquals(code, ExitCodes.of(new PermanentMailException(reason, "x", null).withHint("h")), "the hint keeps the reason");
  }
}
