package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.herald.mail.cli.testing.LargeSignedSend;
import dev.herald.mail.dkim.DkimAlgorithm;
import dev.herald.mail.dkim.DkimKeys;
import dev.herald.mail.testing.Dkimpy;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MiB attachment, DKIM-signed, sent over SMTP (STARTTLS) from a JVM whose heap is 32 MiB: the
 * signer reads the attachment from its file to hash it and the transport reads it again to send it,
 * neither holds it. The message as the server got it verifies with dkimpy.
 */
class LargeSignedAttachmentIT {
  @Test void fiftyMebibytesSignedAndSentWithThirtyTwoMebibyteHeap(@TempDir Path dir) throws Exception {
    KeyPair key = DkimKeys.generate(DkimAlgorithm.RSA_SHA256, 2048);
    Path pem = Files.writeString(dir.resolve("dkim.pem"), DkimKeys.pem(key.getPrivate()));
    Files.setPosixFilePermissions(pem, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.STARTTLS).size(200L << 20).build().start()) {
      var profile = server.profile().withValue("dkim", ConfigValueFactory.fromAnyRef(Map.of("domain", "example.org",
          "selector", "big", "private-key", Map.of("file", pem.toString()))));
      Path conf = Files.writeString(dir.resolve("profile.conf"), profile.root().render(ConfigRenderOptions.concise()));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
          LargeSignedSend.class.getName(), conf.toString(), dir.resolve("big.bin").toString(), "50")
          .redirectErrorStream(true).start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly(); // no JVM left behind by a failed test
        throw new AssertionError("the child JVM did not finish in 180 s");
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), output);
      assertTrue(output.startsWith("ok "), output);
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(10));
      assertTrue(m.raw().length > 50 << 20, "the whole attachment arrived");
      assertTrue(m.rawText().startsWith("DKIM-Signature: "));
      Dkimpy.Verdict v = Dkimpy.verify(m.raw(), Map.of("big._domainkey.example.org", DkimKeys.txtValue(key.getPublic())));
      assertTrue(v.pass(), v.output());
    }
  }
}
