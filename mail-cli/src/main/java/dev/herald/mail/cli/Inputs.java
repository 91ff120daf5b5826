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

  /** A UTF-8 text file named by {@code option}: 66 when missing, 65 when not UTF-8, 74 on I/O failure. */
  static String text(Path file, String option) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InputNotFoundException("cannot read " + option + " '" + file + "': no such readable file");
    }
    try {
      return utf8(Files.readAllBytes(file), option + " '" + file + "'");
    } catch (IOException e) {
      throw new LocalIoException("cannot read " + option + " '" + file + "': " + e.getMessage(), e);
    }
  }

  static byte[] bytes(InputStream in, String what) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new LocalIoException("cannot read " + what + ": " + e.getMessage(), e);
    }
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
