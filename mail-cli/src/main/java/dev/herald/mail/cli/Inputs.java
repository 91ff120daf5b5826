package dev.herald.mail.cli;

import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the files and streams a command is given, failing with the exit code of DESIGN.md's table. */
final class Inputs {
  private Inputs() {}

  /**
   * A UTF-8 text file named by {@code option}: 66 when missing, 65 when not UTF-8 or larger than
   * {@code limit} bytes, 74 on I/O failure.
   */
  static String text(Path file, String option, long limit) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InputNotFoundException("cannot read " + option + " '" + file + "': no such readable file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      String what = option + " '" + file + "'";
      return utf8(bytes(in, what, limit), what);
    } catch (IOException e) {
      throw new LocalIoException("cannot read " + option + " '" + file + "': " + e.getMessage(), e);
    }
  }

  /**
   * Everything {@code in} holds, at most {@code limit} bytes: past it, a one-line error (65) rather
   * than a heap filled by {@code < /dev/zero}.
   */
  static byte[] bytes(InputStream in, String what, long limit) {
    try {
      // readNBytes gathers 8 KiB pieces and copies once: at most twice the input on the heap.
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit) + 1);
      if (b.length > limit) {
        throw new InvalidMessageException(what + " is larger than " + size(limit) + ", herald's limit for one input;"
            + " if it is meant to be sent, raise it with --set herald.stdin-limit=" + size(Math.max(limit * 2, 1L << 20)));
      }
      return b;
    } catch (IOException e) {
      throw new LocalIoException("cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  /** {@code 100MiB}, {@code 512KiB}, {@code 12345B}: HOCON's own size units, so it can be pasted back. */
  static String size(long bytes) {
    if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) return (bytes >> 20) + "MiB";
    if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) return (bytes >> 10) + "KiB";
    return bytes + "B";
  }

  static String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidMessageException(what + " is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)");
    }
  }
}
