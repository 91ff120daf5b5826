package dev.herald.mail.oauth2.internal;

import dev.herald.mail.LocalIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** Where refresh tokens are kept, and how they are written: owner-only from the start, atomically. */
public final class TokenFiles {
  private TokenFiles() {}


  /**
   * Writes {@code content} to {@code target} so that no other user can read it at any moment:
   * a temporary file created {@code rw-------} in the same directory, flushed to disk, then moved
   * over the target in one step. Missing directories are created {@code rwx------}.
   *
   * @throws LocalIoException when the file cannot be written
   */
  public static void writeOwnerOnly(Path target, String content) {
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp = null;
    try {
      if (!Files.isDirectory(dir)) {
        if (posix) Files.createDirectories(dir, ownerOnly("rwx------"));
        else Files.createDirectories(dir);
      }
      tmp = posix ? Files.createTempFile(dir, "." + file.getFileName(), ".tmp", ownerOnly("rw-------"))
          : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) ch.write(bytes);
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (FileAlreadyExistsException e) {
      throw new LocalIoException("cannot write " + file + ": " + e.getFile() + " is in the way (not a directory)", e);
    } catch (IOException e) {
      throw new LocalIoException("cannot write " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()) + "; check the directory and its permissions", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary file holds the token; nothing more can be done than try
        }
      }
    }
  }

  private static FileAttribute<?> ownerOnly(String perms) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms));
  }
}
