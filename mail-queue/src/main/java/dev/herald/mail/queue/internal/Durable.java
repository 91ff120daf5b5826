package dev.herald.mail.queue.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File-system steps that survive a crash: written data forced to disk, renames made durable by syncing the directory. */
public final class Durable {
  private Durable() {}

  /** Forces a directory's entries (a rename, a new or deleted file) to disk. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Writes {@code bytes} to a new file and forces it to disk. */
  public static void writeNew(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) ch.write(b);
      ch.force(true);
    }
  }

  /**
   * Renames {@code from} to {@code to} atomically; false when {@code from} is gone (another worker
   * renamed it first). That is the whole of a claim: of two renames of one entry, one fails.
   */
  public static boolean rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (NoSuchFileException e) {
      if (Files.exists(to.getParent())) return false;
      throw e;
    }
  }

  /** Deletes a file, or a directory and what it holds; what is already gone is no error. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(dir);
      return;
    }
    try (var s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isDirectory(p)) deleteTree(p);
        else Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      return;
    }
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      deleteTree(dir);
    }
  }
}
