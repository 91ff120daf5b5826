package dev.herald.mail.testkit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/** A server's scripted faults and its dispatcher: what, if anything, a command gets in place of the usual reply. */
final class FaultScript {
  private final List<Scripted> faults = new ArrayList<>();
  private volatile SmtpDispatcher dispatcher;

  FaultScript(SmtpDispatcher dispatcher) { this.dispatcher = dispatcher; }

  void add(Fault... more) {
    synchronized (faults) {
      for (Fault f : more) faults.add(new Scripted(Objects.requireNonNull(f, "fault")));
    }
  }

  void clear() {
    synchronized (faults) {
      faults.clear();
    }
  }

  /** The faults not used up, each with the uses it has left. */
  List<Fault> pending() {
    synchronized (faults) {
      List<Fault> out = new ArrayList<>();
      for (Scripted s : faults) out.add(s.remaining < 0 ? s.fault : s.fault.times(s.remaining));
      return out;
    }
  }

  void dispatcher(SmtpDispatcher d) { this.dispatcher = d; }

  /** The dispatcher's answer, else the first matching fault's effect (using it up once); null for the usual reply. */
  Fault.Effect effectFor(SmtpCommand command) {
    SmtpDispatcher d = dispatcher;
    if (d != null) {
      Fault.Effect e = d.dispatch(command);
      if (e != null) return e;
    }
    if (command.stage() == null) return null;
    synchronized (faults) {
      for (Iterator<Scripted> it = faults.iterator(); it.hasNext(); ) {
        Scripted s = it.next();
        if (!s.fault.matches(command.stage(), command.recipient())) continue;
        if (s.remaining > 0 && --s.remaining == 0) it.remove();
        return s.fault.effect();
      }
    }
    return null;
  }

  private static final class Scripted {
    final Fault fault;
    int remaining;

    Scripted(Fault fault) {
      this.fault = fault;
      this.remaining = fault.times();
    }
  }
}
