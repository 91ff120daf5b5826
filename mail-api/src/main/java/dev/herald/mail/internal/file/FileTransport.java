package dev.herald.mail.internal.file;

import dev.herald.mail.Envelope;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes each message to a temporary name in the target directory and moves it into place, so
 * a reader (or a crash) never sees half a file.
 */
final class FileTransport implements Transport {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

  private final Path directory;

  FileTransport(Path directory) {
    this.directory = directory;
  }

  @Override public SendReceipt send(Envelope envelope, MessageContent content) {
    Path tmp = null;
    try {
      Files.createDirectories(directory);
      tmp = Files.createTempFile(directory, ".herald-", ".part");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        content.writeTo(out);
      }
      Path target = moveIntoPlace(tmp);
      tmp = null;
      return new SendReceipt(content.messageId().orElse(null), envelope.recipients(), List.of(),
          null, target.toString());
    } catch (IOException e) {
      throw new LocalIoException("cannot write the message into " + directory + ": " + e.getMessage()
          + "; check that the directory is writable", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the original failure is what the user needs to see.
        }
      }
    }
  }

  private Path moveIntoPlace(Path tmp) throws IOException {
    String stamp = LocalDateTime.now().format(STAMP);
    for (int attempt = 0; ; attempt++) {
      String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
      Path target = directory.resolve(stamp + "-" + suffix + ".eml");
      try {
        // createLink fails if the name exists, so two senders never overwrite each other's file.
        Files.createLink(target, tmp);
        Files.delete(tmp);
        return target;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 10) throw e;
      } catch (UnsupportedOperationException | IOException e) {
        try {
          return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
          return Files.move(tmp, target);
        }
      }
    }
  }

  @Override public String describe() { return directory.toString(); }

  @Override public Map<String, String> check() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("transport", "file");
    m.put("directory", directory.toAbsolutePath().toString());
    Path existing = directory.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    m.put("writable", Boolean.toString(existing != null && Files.isWritable(existing)));
    return m;
  }

  @Override public void close() { }
}
