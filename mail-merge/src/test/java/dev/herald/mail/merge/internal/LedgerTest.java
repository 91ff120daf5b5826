package dev.herald.mail.merge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's files hold the batch's recipients and the servers' replies: readable by their owner alone. */
class LedgerTest {
  @TempDir Path home;

  @Test void theBatchDirectoryAndLedgerAreOwnerOnly() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
    Path dir = home.resolve("herald/batches/0123456789ab");
    try (Ledger l = Ledger.open(dir)) {
      l.queued(1, "h", "k", "q", "<m@example.org>", "ann@example.net");
    }
    for (Path p : new Path[] {home.resolve("herald"), home.resolve("herald/batches"), dir}) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
    }
    for (String f : new String[] {"ledger.tsv", "lock"}) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
    }
  }
}
