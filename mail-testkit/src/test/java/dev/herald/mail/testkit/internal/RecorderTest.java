package dev.herald.mail.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mock server's recording on its own: bounds, taking, the transcript and listeners. */
class RecorderTest {
  /** A message is its session number here; the recorder needs nothing more of it. */
  private static Recorder<Integer> recorder(int maxMessages, int maxLines) {
    return new Recorder<>(maxMessages, maxLines, m -> m);
  }

  @Test void keepsAtMostMaxMessagesAndDropsTheOldestFirst() throws Exception {
    Recorder<Integer> r = recorder(2, 100);
    for (int i = 1; i <= 3; i++) r.record(i);
    assertEquals(List.of(2, 3), r.messages());
    assertEquals(2, r.take(Duration.ZERO));  // the untaken ones are bounded too
    assertEquals(3, r.take(Duration.ZERO));
    assertNull(r.take(Duration.ZERO));
    assertEquals(List.of(2, 3), r.messages(), "taking leaves messages() alone");
  }

  @Test void messageIndexesCountEveryMessageAndSurviveClear() {
    Recorder<Integer> r = recorder(1, 100);
    assertEquals(0, r.nextMessageIndex());
    assertEquals(1, r.nextMessageIndex());
    r.clear();
    assertEquals(2, r.nextMessageIndex());
    assertEquals(3, r.messageCount());
  }

  @Test void takingSeveralThatDoNotAllComePutsThemBackInOrder() throws Exception {
    Recorder<Integer> r = recorder(10, 100);
    r.record(1);
    r.record(2);
    AssertionError e = assertThrows(AssertionError.class, () -> r.take(3, Duration.ofMillis(50)));
    assertEquals("expected 3 messages within PT0.05S, got 2", e.getMessage());
    assertEquals(List.of(1, 2), r.take(2, Duration.ZERO));
  }

  @Test void transcriptLinesNameTheirSessionAndAreBounded() {
    Recorder<Integer> r = recorder(10, 2);
    r.log(1, "C: EHLO a");
    r.log(2, "C: EHLO b");
    r.log(1, "C: QUIT");
    assertEquals(List.of("#2 C: EHLO b", "#1 C: QUIT"), r.transcript());
    r.clear();
    assertEquals(List.of(), r.transcript());
    assertEquals(List.of(), recorderWithNoTranscript().transcript());
  }

  private static Recorder<Integer> recorderWithNoTranscript() {
    Recorder<Integer> r = recorder(10, 0);
    r.log(1, "C: EHLO a");
    return r;
  }

  @Test void aFailingListenerIsLoggedAndTheOthersStillHearOfTheMessage() throws Exception {
    Recorder<Integer> r = recorder(10, 100);
    List<Integer> heard = new ArrayList<>();
    r.onMessage(m -> { throw new IllegalStateException("listener bug"); });
    r.onMessage(heard::add);
    r.record(7);
    assertEquals(List.of(7), heard);
    assertEquals(7, r.take(Duration.ZERO), "the message is kept although a listener failed");
    assertEquals(1, r.transcript().size());
    assertTrue(r.transcript().get(0).startsWith("#7 *: message listener failed: java.lang.IllegalStateException: listener bug"),
        r.transcript().toString());
  }
}
