package dev.herald.mail.internal.credentials;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 9: a hung password command is killed with everything it started, not only its shell. */
class CommandTimeoutTest {
  @TempDir Path dir;

  @Test @Timeout(30) void aHungCommandsGrandchildIsKilledAtTheTimeout() throws Exception {
    Path pidFile = dir.resolve("pid");
    // sh -c COMMAND runs an inner sh (not exec'd: a command follows it), which starts sleep: a grandchild.
    String command = "sh -c 'sleep 100 & echo $! > " + pidFile + "; wait; echo inner'; echo outer";
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> CommandSourceFactory.run(command, "test", 1));
    assertTrue(e.getMessage().contains("did not finish within 1 s"), e.getMessage());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(50);
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "sleep (pid " + pid + ") still runs");
  }
}
