package dev.herald.mail.smtp;

import static dev.herald.mail.spi.ReplyRule.of;
import static dev.herald.mail.spi.ReplyRule.withText;

import com.typesafe.config.Config;
import dev.herald.mail.MailException;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.ReplyRule;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Microsoft 365 and Outlook.com's known replies explained, for profiles whose host is
 * {@code smtp.office365.com} or {@code smtp-mail.outlook.com} (or whose preset is {@code outlook},
 * {@code office365} or {@code outlook-personal}). Chief among them:
 * {@code 535 5.7.139 Authentication unsuccessful, basic authentication is disabled}, which means
 * passwords no longer work and OAuth2 ({@code auth = [xoauth2]}) is the way.
 *
 * <p>It lives beside those presets (mail-smtp's {@code herald-smtp-presets.conf}): a provider's preset
 * and the advisor that explains its replies ship in one jar, so neither is there without the other.
 * Registered in {@code META-INF/services/dev.herald.mail.spi.ProfileAdvisor}.
 */
public final class Microsoft365Advisor implements ProfileAdvisor {
  static final Set<String> HOSTS = Set.of("smtp.office365.com", "smtp-mail.outlook.com", "smtp.outlook.com");
  static final Set<String> PRESETS = Set.of("outlook", "office365", "outlook-personal");

  private static final String USE_OAUTH2 = "use OAuth2: preset = outlook (auth = [xoauth2]) with an oauth2 block"
      + " naming your Microsoft Entra app's client-id, then `herald auth --profile <name>`";

  private static final List<ReplyRule> RULES = List.of(
      withText(535, "5.7.139", "basic authentication is disabled", "Microsoft has turned off password (basic)"
          + " authentication for SMTP: " + USE_OAUTH2),
      withText(535, "5.7.139", "SmtpClientAuthentication is disabled", "SMTP AUTH is turned off for this mailbox or"
          + " tenant: an Exchange admin must allow Authenticated SMTP (Set-CASMailbox -SmtpClientAuthenticationDisabled"
          + " $false), see https://aka.ms/smtp_auth_disabled"),
      of(535, "5.7.139", "Microsoft refused the sign-in by policy (security defaults, Conditional Access or a locked"
          + " account): " + USE_OAUTH2 + ", or ask the tenant's admin"),
      of(535, "5.7.3", "Microsoft did not accept the credentials: with OAuth2 the username must be the mailbox's"
          + " address and the token needs the scope https://outlook.office.com/SMTP.Send; run `herald auth --profile"
          + " <name>` again"),
      of(554, "5.2.252", "Microsoft 365 sends only as the signed-in mailbox or an address it has Send As permission"
          + " for: set from to the mailbox's address, or have an admin grant Send As"),
      of(550, "5.7.60", "Microsoft 365 sends only as the signed-in mailbox or an address it has Send As permission"
          + " for: set from to the mailbox's address, or have an admin grant Send As"),
      withText(554, "5.2.0", "SubmissionQuotaExceeded", "Microsoft 365's sending limit is reached (10,000 recipients a"
          + " day, 30 messages a minute): wait, and set rate-limit = \"30/min\" (as the outlook preset does)"),
      withText(432, "4.3.2", "thread limit", "Microsoft 365 allows 3 connections at a time per mailbox: set"
          + " max-connections = 3 or fewer (as the outlook preset does)"));

  /** A cheap constructor, as {@link java.util.ServiceLoader} wants. */
  public Microsoft365Advisor() {}

  /** True when the profile sends through Microsoft 365 or Outlook.com. */
  public static boolean appliesTo(Config profile) { return ProfileAdvisor.isProvider(profile, HOSTS, PRESETS); }

  @Override public Optional<String> explain(MailException failure, Config profile) {
    return appliesTo(profile) ? ReplyRule.first(RULES, failure) : Optional.empty();
  }

  /** Warns about a password-only profile: Microsoft turned basic authentication off for SMTP. */
  @Override public void review(Config profile, Consumer<String> warnings) {
    if (appliesTo(profile) && profile.hasPath("password") && !ProfileAdvisor.usesOAuth2(profile)) {
      warnings.accept("Microsoft 365 and Outlook.com no longer take passwords over SMTP (basic authentication is"
          + " off); " + USE_OAUTH2);
    }
  }
}
