package dev.herald.mail.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Attachment;
import dev.herald.mail.Email;
import dev.herald.mail.MessageContent;
import dev.herald.mail.testing.Dkimpy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of message Herald makes, signed with both algorithms and all four canonicalizations,
 * verified by dkimpy; and a message changed after signing fails, so the verifier is known to check.
 */
class DkimpyIT {
  static KeyPair rsa;
  static KeyPair ed25519;
  @TempDir static Path dir;

  @BeforeAll static void keys() {
    rsa = DkimKeys.generate(DkimAlgorithm.RSA_SHA256, 2048);
    ed25519 = DkimKeys.generate(DkimAlgorithm.ED25519_SHA256, 0);
  }

  static Stream<Arguments> signers() {
    List<Arguments> out = new ArrayList<>();
    for (DkimAlgorithm a : DkimAlgorithm.values()) {
      for (Canonicalization h : Canonicalization.values()) {
        for (Canonicalization b : Canonicalization.values()) out.add(Arguments.of(a, h, b));
      }
    }
    return out.stream();
  }

  static DkimSigner signer(DkimAlgorithm a, Canonicalization h, Canonicalization b) {
    KeyPair k = a == DkimAlgorithm.RSA_SHA256 ? rsa : ed25519;
    return DkimSigner.builder().domain("example.org").selector("s1").privateKey(k.getPrivate()).canonicalization(h, b).build();
  }

  static Map<String, String> dns(DkimAlgorithm a) {
    return Map.of("s1._domainkey.example.org", DkimKeys.txtValue((a == DkimAlgorithm.RSA_SHA256 ? rsa : ed25519).getPublic()));
  }

  static Map<String, MessageContent> messages() throws Exception {
    Path pdf = Files.write(dir.resolve("report.pdf"), random(150_000, 1));
    Path png = Files.write(dir.resolve("logo.png"), random(4_000, 2));
    Path big = dir.resolve("big.bin");
    if (!Files.exists(big)) Files.write(big, random(3 << 20, 3)); // over the renderer's 1 MiB: streamed from the file each pass
    ZonedDateTime date = ZonedDateTime.of(2026, 12, 4, 10, 0, 0, 0, ZoneOffset.UTC);
    Map<String, MessageContent> m = new java.util.LinkedHashMap<>();
    m.put("plain text", Email.builder().from("Ann <ann@example.org>").to("bob@example.net").subject("Plain")
        .text("Hello Bob,\n\nplain text.\n").date(date).build().render());
    m.put("html, text, attachment, inline image", Email.builder().from("ann@example.org").to("bob@example.net")
        .cc("carl@example.net").replyTo("desk@example.org").subject("Report").text("See the report.")
        .html("<p>See the report <img src=\"cid:logo\"></p>").attach(pdf).inline("logo", png).build().render());
    m.put("UTF-8 headers (RFC 2047)", Email.builder().from("Jörg Müller <joerg@example.org>").to("Zoë <zoe@example.net>")
        .subject("Grüße aus Köln — café ☕ and a subject long enough to be folded over more than one line by the renderer")
        .text("Grüße!\n").build().render());
    m.put("trailing blank lines and leading dots", Email.builder().from("ann@example.org").to("bob@example.net")
        .subject("dots").text(".\n..two\n. space\nend\n\n\n\n").build().render());
    m.put("streamed 3 MiB attachment", Email.builder().from("ann@example.org").to("bob@example.net").subject("big")
        .text("big").attach(big).build().render());
    m.put("internationalised address (jakarta.mail renderer), streamed 3 MiB attachment", Email.builder()
        .from("jörg@exämple.org").to("bob@example.net").subject("groß").text("Grüße").attach(big).build().render());
    m.put("raw: long folded headers, LF endings, dots, trailing blank lines", MessageContent.ofBytes((
        "From: Ann <ann@example.org>\nTo: bob@example.net,\n  carl@example.net,\n\tdave@example.net\n"
        + "Subject: a subject that goes on and on    with   runs of   spaces and tabs\t\tand is folded\n"
        + "   onto a second line\nReferences: <" + "a".repeat(60) + "@example.org>\n <" + "b".repeat(60) + "@example.org>\n"
        + "Date: Fri, 4 Dec 2026 10:00:00 +0000\nMessage-ID: <raw.1@example.org>\nMIME-Version: 1.0\n"
        + "Content-Type: text/plain; charset=us-ascii\n\n.leading dot\n..two dots\n \t trailing space \t \nlast\n\n\n\n")
        .getBytes(StandardCharsets.US_ASCII)));
    return m;
  }

  @ParameterizedTest(name = "{0} {1}/{2}") @MethodSource("signers")
  void everyKindOfMessageVerifies(DkimAlgorithm a, Canonicalization h, Canonicalization b) throws Exception {
    Dkimpy.assumeAvailable();
    DkimSigner signer = signer(a, h, b);
    Map<String, MessageContent> messages = messages();
    List<byte[]> signed = new ArrayList<>();
    for (Map.Entry<String, MessageContent> e : messages.entrySet()) {
      MessageContent s = signer.sign(e.getValue());
      byte[] bytes = bytes(s);
      assertEquals(s.knownSize() < 0 ? bytes.length : s.knownSize(), bytes.length, e.getKey());
      signed.add(bytes);
    }
    List<Dkimpy.Verdict> verdicts = Dkimpy.verifyAll(signed, dns(a));
    List<String> names = List.copyOf(messages.keySet());
    for (int i = 0; i < names.size(); i++) assertTrue(verdicts.get(i).pass(), names.get(i) + ": " + verdicts.get(i).output());
  }

  @ParameterizedTest(name = "{0} {1}/{2}") @MethodSource("signers")
  void aChangedMessageFails(DkimAlgorithm a, Canonicalization h, Canonicalization b) throws Exception {
    Dkimpy.assumeAvailable();
    byte[] signed = bytes(signer(a, h, b).sign(Email.builder().from("ann@example.org").to("bob@example.net")
        .subject("Pay 100").text("Pay 100 to account 1.").build().render()));
    String s = new String(signed, StandardCharsets.US_ASCII);
    String body = s.replace("account 1.", "account 7.");
    String subject = s.replace("Subject: Pay 100", "Subject: Pay 900");
    String secondFrom = s.replace("\r\nFrom: ", "\r\nFrom: mallory@example.com\r\nFrom: ");
    List<byte[]> all = new ArrayList<>(List.of(signed));
    for (String c : List.of(body, subject, secondFrom)) {
      assertFalse(c.equals(s));
      all.add(c.getBytes(StandardCharsets.US_ASCII));
    }
    List<Dkimpy.Verdict> verdicts = Dkimpy.verifyAll(all, dns(a));
    assertTrue(verdicts.get(0).pass(), verdicts.get(0).output());
    for (Dkimpy.Verdict v : verdicts.subList(1, 4)) assertFalse(v.pass(), "changed after signing, yet: " + v.output());
  }

  @Test void anotherKeyAtTheSelectorFails() throws Exception {
    Dkimpy.assumeAvailable();
    for (DkimAlgorithm a : DkimAlgorithm.values()) {
      byte[] signed = bytes(signer(a, Canonicalization.RELAXED, Canonicalization.RELAXED).sign(Email.builder()
          .from("ann@example.org").to("bob@example.net").subject("s").text("t").build().render()));
      KeyPair other = DkimKeys.generate(a, 2048);
      Dkimpy.Verdict v = Dkimpy.verify(signed, Map.of("s1._domainkey.example.org", DkimKeys.txtValue(other.getPublic())));
      assertFalse(v.pass(), v.output());
    }
  }

  @Test void rfc8463MessageSignedByUsVerifiesWithTheRfcsKey() throws Exception {
    Dkimpy.assumeAvailable();
    DkimSigner signer = DkimSigner.builder().domain("football.example.com").selector("brisbane")
        .privateKey(DkimSignerTest.rfc8463Key()).build();
    byte[] signed = bytes(signer.sign(MessageContent.ofBytes((DkimSignerTest.RFC8463_HEADERS + "\r\n"
        + DkimSignerTest.RFC8463_BODY).getBytes(StandardCharsets.US_ASCII))));
    Dkimpy.Verdict v = Dkimpy.verify(signed, Map.of("brisbane._domainkey.football.example.com",
        "v=DKIM1; k=ed25519; p=" + DkimSignerTest.RFC8463_PUBLIC));
    assertTrue(v.pass(), v.output());
  }

  static byte[] bytes(MessageContent c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.writeTo(out);
    return out.toByteArray();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
