package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.spi.TraceListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTransportTest {
  @TempDir Path dir;

  Mailer mailer(Path out) {
    HeraldConfig c = HeraldConfig.of(ConfigFactory.parseString(
        "herald.profiles.box { transport = file, directory = \"" + out + "\", from = \"Box <box@example.org>\" }"));
    return MailerFactory.of(Providers.discover(), c).create("box", TraceListener.NONE, null);
  }

  @Test void writesOneCompleteEmlPerMessage() throws Exception {
    Path out = dir.resolve("outbox");
    try (Mailer m = mailer(out)) {
      SendReceipt r1 = m.send(Email.builder().to("a@example.com").bcc("hidden@example.com").subject("one").text("1").build());
      SendReceipt r2 = m.send(Email.builder().to("b@example.com").subject("two").text("2").build());
      assertNotEquals(r1.via(), r2.via());
      assertEquals(List.of("a@example.com", "hidden@example.com"), r1.accepted());
      String eml = Files.readString(Path.of(r1.via()), StandardCharsets.US_ASCII);
      assertTrue(eml.contains("From: Box <box@example.org>\r\n"), eml);
      assertTrue(eml.contains("Message-ID: " + r1.messageId()), eml);
      assertFalse(eml.contains("hidden@"), "Bcc is not written");
    }
    try (Stream<Path> files = Files.list(out)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(2, names.size(), names.toString());
      assertTrue(names.stream().allMatch(n -> n.endsWith(".eml")), "no temporary file left: " + names);
    }
  }

  @Test void unwritableDirectoryIsLocalIoAndLeavesNothing() throws Exception {
    Path blocker = dir.resolve("file-not-dir");
    Files.writeString(blocker, "x");
    try (Mailer m = mailer(blocker.resolve("sub"))) {
      LocalIoException e = assertThrows(LocalIoException.class,
          () -> m.send(Email.builder().to("a@example.com").subject("s").text("t").build()));
      assertTrue(e.getMessage().contains("cannot write the message"), e.getMessage());
    }
  }

  @Test void failedRenderWritesNothing() throws Exception {
    Path out = dir.resolve("outbox");
    Path att = dir.resolve("a.bin");
    Files.write(att, new byte[10]);
    Email e = Email.builder().to("a@example.com").subject("s").attach(att).build();
    Files.delete(att);
    try (Mailer m = mailer(out)) {
      assertThrows(MailException.class, () -> m.send(e));
    }
    assertTrue(!Files.exists(out) || Files.list(out).findAny().isEmpty(), "no partial file");
  }
}
