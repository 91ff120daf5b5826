package dev.herald.mail.cli.testing;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.Mailer;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.testing.LargeAttachmentMain;
import java.nio.file.Path;

/**
 * Run in a JVM with a small heap: sends a message with a large random attachment through the profile
 * in the HOCON file given (an SMTP server and a dkim block). Exits 0 and prints "ok" when it was sent.
 */
public final class LargeSignedSend {
  public static void main(String[] args) throws Exception {
    Path profile = Path.of(args[0]);
    Path file = Path.of(args[1]);
    long size = Long.parseLong(args[2]) << 20;
    LargeAttachmentMain.writeRandom(file, size);
    try (Mailer mailer = Mailer.fromProfile(ConfigFactory.parseFile(profile.toFile()))) {
      SendReceipt r = mailer.send(Email.builder().from("me@example.org").to("bob@example.net").subject("big, signed")
          .text("see the attachment").attach(file).build());
      System.out.println("ok " + r.messageId() + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }
  }
}
