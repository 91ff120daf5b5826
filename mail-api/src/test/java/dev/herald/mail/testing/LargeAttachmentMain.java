package dev.herald.mail.testing;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.Mailer;
import dev.herald.mail.MailerFactory;
import dev.herald.mail.Providers;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.TraceListener;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.SharedFileInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Run in a JVM with a small heap: writes a large random file, sends it as an attachment through
 * the file transport, then decodes it back from the .eml, streaming, and compares checksums.
 * Exits 0 on success; an OutOfMemoryError or a mismatch exits non-zero.
 */
public final class LargeAttachmentMain {
  /** Writes {@code size} octets (a multiple of 64 KiB) of seeded random data; returns their CRC-32. */
  public static CRC32 writeRandom(Path file, long size) throws java.io.IOException {
    CRC32 crc = new CRC32();
    SplittableRandom random = new SplittableRandom(42);
    byte[] chunk = new byte[1 << 16];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      for (long written = 0; written < size; written += chunk.length) {
        for (int i = 0; i < chunk.length; i += 8) {
          long r = random.nextLong();
          for (int j = 0; j < 8; j++) chunk[i + j] = (byte) (r >>> (8 * j));
        }
        crc.update(chunk);
        out.write(chunk);
      }
    }
    return crc;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long size = Long.parseLong(args[1]) << 20;
    Path file = dir.resolve("big.bin");
    CRC32 expected = writeRandom(file, size);
    HeraldConfig config = HeraldConfig.of(ConfigFactory.parseString(
        "herald.profiles.box { transport = file, directory = \"" + dir.resolve("outbox") + "\" }"));
    SendReceipt receipt;
    try (Mailer mailer = MailerFactory.of(Providers.discover(), config).create("box", TraceListener.NONE, null)) {
      receipt = mailer.send(Email.builder().from("a@example.org").to("b@example.net").subject("big")
          .text("see attachment").attach(file).build());
    }
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
        new SharedFileInputStream(receipt.via()));
    Part part = ((MimeMultipart) m.getContent()).getBodyPart(1);
    CRC32 actual = new CRC32();
    try (InputStream in = part.getInputStream()) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) actual.update(buf, 0, n);
    }
    if (actual.getValue() != expected.getValue()) {
      System.err.println("attachment decoded to different bytes");
      System.exit(2);
    }
    System.out.println("ok " + Files.size(Path.of(receipt.via())) + " bytes, max heap "
        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
  }
}
