package dev.herald.mail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigValueFactory;
import dev.herald.mail.Email;
import dev.herald.mail.Mailer;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.testkit.Fault;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Mailer#sendAll} and {@link Mailer#sendAsync} from a profile: the SMTP transport's batch and pool, with the profile's from. */
class MailerBatchIT {
  @Test void aProfilesMailerSendsABatchAndAsynchronously() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().user("app", "pw").build().start()) {
      server.script(Fault.at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user"));
      try (Mailer mailer = Mailer.fromProfile(server.profile().withValue("from", ConfigValueFactory.fromAnyRef("Shop <shop@example.org>")))) {
        List<Email> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) batch.add(Email.builder().to(i == 2 ? "ghost@example.net" : "c" + i + "@example.net").subject("n" + i).text("x").build());
        List<SendOutcome> out = mailer.sendAll(batch);
        assertEquals(5, out.size());
        assertFalse(out.get(2).sent());
        assertEquals(550, out.get(2).failure().replyCode());
        assertEquals(4, out.stream().filter(SendOutcome::sent).count(), out::toString);
        CompletableFuture<SendReceipt> later = mailer.sendAsync(Email.builder().to("d@example.net").subject("async").text("x").build());
        assertEquals(List.of("d@example.net"), later.get(10, TimeUnit.SECONDS).accepted());
      }
      List<RecordedMessage> got = server.messages();
      assertEquals(5, got.size());
      assertTrue(got.stream().allMatch(m -> m.envelope().sender().equals("shop@example.org")), got::toString);
      assertTrue(got.stream().allMatch(m -> m.rawText().contains("From: Shop <shop@example.org>")), "the profile's from, with its name");
    }
  }
}
