package dev.herald.mail.testkit;

import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.herald.mail.Stage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which effect a command gets from the dispatcher and the scripted faults, without a server. */
class FaultScriptTest {
  private static SmtpCommand command(Stage stage, String recipient) {
    return new SmtpCommand(1, stage, stage == null ? "NOOP" : stage.name(), recipient, false, null, 0);
  }

  private static int code(Fault.Effect e) { return ((Fault.Reply) e).code(); }

  @Test void faultsAreTriedInOrderAndUsedUpByTheirCount() {
    FaultScript s = new FaultScript(null);
    s.add(at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user").times(2),
        at(Stage.RCPT).reply(451, "4.3.0 later").once());
    assertEquals(550, code(s.effectFor(command(Stage.RCPT, "ghost@example.net"))));
    assertEquals(List.of(1, 1), remaining(s));
    assertEquals(451, code(s.effectFor(command(Stage.RCPT, "a@example.net"))), "the first does not match this recipient");
    assertEquals(List.of(1), remaining(s), "once: gone");
    assertEquals(550, code(s.effectFor(command(Stage.RCPT, "ghost@example.net"))));
    assertEquals(List.of(), s.pending());
    assertNull(s.effectFor(command(Stage.RCPT, "ghost@example.net")));
  }

  private static List<Integer> remaining(FaultScript s) {
    List<Integer> out = new ArrayList<>();
    for (Fault f : s.pending()) out.add(f.times());
    return out;
  }

  @Test void aFaultWithoutCountStaysAndOtherStagesAreUntouched() {
    FaultScript s = new FaultScript(null);
    s.add(at(Stage.MAIL).reply(421, "4.3.2 bye").thenClose());
    for (int i = 0; i < 3; i++) assertEquals(421, code(s.effectFor(command(Stage.MAIL, null))));
    assertNull(s.effectFor(command(Stage.DATA, null)));
    assertNull(s.effectFor(command(null, null)), "a command without a stage never meets the script");
    s.clear();
    assertNull(s.effectFor(command(Stage.MAIL, null)));
  }

  @Test void theDispatcherIsAskedFirstAndNullFallsThroughToTheScript() {
    List<SmtpCommand> seen = new ArrayList<>();
    FaultScript s = new FaultScript(c -> {
      seen.add(c);
      return c.stage() == Stage.DATA ? new Fault.Drop() : null;
    });
    s.add(at(Stage.DATA).reply(554, "5.3.0 no").once(), at(Stage.MAIL).reply(452, "4.3.1 full").once());
    assertInstanceOf(Fault.Drop.class, s.effectFor(command(Stage.DATA, null)));
    assertEquals(2, s.pending().size(), "the dispatcher's answer uses up no scripted fault");
    assertEquals(452, code(s.effectFor(command(Stage.MAIL, null))));
    assertNull(s.effectFor(command(null, null)));
    assertEquals(3, seen.size(), "the dispatcher sees every command, those without a stage too");
    s.dispatcher(null);
    assertEquals(554, code(s.effectFor(command(Stage.DATA, null))));
  }
}
