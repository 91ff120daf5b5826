package dev.herald.mail.gmail;

import static dev.herald.mail.spi.ReplyRule.of;
import static dev.herald.mail.spi.ReplyRule.withText;

import com.typesafe.config.Config;
import dev.herald.mail.Address;
import dev.herald.mail.MailException;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.ReplyRule;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Gmail's known replies, each turned into one line that says what to do, and warnings about Gmail
 * profiles that will not work as meant. Applies to profiles whose host is Gmail's
 * ({@code smtp.gmail.com}) or whose preset is {@code gmail} or {@code gmail-implicit}; registered in
 * {@code META-INF/services/dev.herald.mail.spi.ProfileAdvisor}.
 *
 * <p>{@code 535 5.7.8} (bad credentials) becomes "use an App Password or OAuth2",
 * {@code 534 5.7.9} "2-Step Verification is on: an App Password is required", {@code 550 5.4.5}
 * "the daily sending limit is reached", and so on; see {@link #explain}.
 */
public final class GmailAdvisor implements ProfileAdvisor {
  static final Set<String> HOSTS = Set.of("smtp.gmail.com", "smtp.googlemail.com", "smtp-relay.gmail.com");
  static final Set<String> PRESETS = Set.of("gmail", "gmail-implicit");

  private static final String APP_PASSWORDS = "https://myaccount.google.com/apppasswords";
  private static final String BAD_CREDENTIALS = "https://support.google.com/mail/?p=BadCredentials";

  /** Rules in order; the first that matches explains the failure. 535 5.7.8 depends on the profile. */
  private static final List<ReplyRule> RULES = List.of(
      of(534, "5.7.9", "Gmail wants an App Password: 2-Step Verification is on for this account, so its own password"
          + " cannot sign in over SMTP; create one at " + APP_PASSWORDS + " and use it as the profile's password"),
      of(534, "5.7.14", "Google blocked the sign-in as unusual: sign in once at https://accounts.google.com and confirm"
          + " the security alert, then use an App Password (" + APP_PASSWORDS + ") or OAuth2"),
      withText(530, "5.7.0", "STARTTLS", "Gmail requires TLS before anything else: set tls = starttls (port 587) or"
          + " tls = implicit (port 465), as the gmail presets do"),
      of(530, "5.7.0", "Gmail requires sign-in before sending: set username and a password (an App Password, "
          + APP_PASSWORDS + ") or an oauth2 block"),
      of(550, "5.4.5", "Gmail's daily sending limit is reached (about 500 recipients a day for gmail.com accounts,"
          + " 2,000 for Google Workspace); sending works again within 24 hours, see"
          + " https://support.google.com/mail/answer/22839"),
      withText(454, "4.7.0", "too many login", "Gmail refuses sign-ins from here for a while after too many attempts:"
          + " wait several minutes before trying again, and check the credentials first (every failure extends the wait)"),
      of(454, "4.7.0", "Gmail could not sign in just now: try again in a few minutes"),
      of(421, "4.7.0", "Gmail is throttling this sender (too many connections, sign-ins or messages in a short time):"
          + " try again later, and lower max-connections or set rate-limit in the profile"),
      of(552, "5.2.3", "Gmail takes messages up to 25 MB including attachments (encoding adds about a third): share"
          + " large files by link instead, see https://support.google.com/mail/answer/6584"),
      of(552, "5.7.0", "Gmail blocks attachments that could be harmful (.exe, .js, .bat and the like, also inside"
          + " archives): share them by link instead, see https://support.google.com/mail/answer/6590"),
      of(550, "5.7.26", "Gmail refused the message as unauthenticated: the From domain must pass SPF or DKIM aligned"
          + " with its DMARC policy; publish SPF and DKIM for that domain, or send from the account's own address"
          + " (https://support.google.com/mail/answer/81126)"),
      of(553, "5.7.1", "Gmail sends only from the signed-in account or a verified \"Send mail as\" alias: set from to"
          + " the account's address, or add the address in Gmail → Settings → Accounts and Import"),
      of(550, "5.7.1", "Gmail refused the message by policy (its content, the sender's reputation, or the recipient"
          + " domain's rules): check the From domain's SPF, DKIM and DMARC and the content, see"
          + " https://support.google.com/mail/answer/188131"));

  /** A cheap constructor, as {@link java.util.ServiceLoader} wants. */
  public GmailAdvisor() {}

  /** True when the profile sends through Gmail. */
  public static boolean appliesTo(Config profile) { return ProfileAdvisor.isProvider(profile, HOSTS, PRESETS); }

  @Override public Optional<String> explain(MailException failure, Config profile) {
    if (!appliesTo(profile)) return Optional.empty();
    if (failure.replyCode() == 535 && new ReplyRule(535, "5.7.8", null, "").matches(failure)) {
      return Optional.of(ProfileAdvisor.usesOAuth2(profile)
          ? "Gmail refused the OAuth2 token: the username must be the Google account that gave consent and the scope"
              + " https://mail.google.com/; run `herald auth --profile <name>` again (" + BAD_CREDENTIALS + ")"
          : "Gmail does not take the account's own password over SMTP: use an App Password (" + APP_PASSWORDS
              + ", needs 2-Step Verification) as password, or OAuth2 with an oauth2 block (" + BAD_CREDENTIALS + ")");
    }
    return ReplyRule.first(RULES, failure);
  }

  /**
   * Warns when the profile's {@code from} is not the account it signs in with (Gmail rewrites the
   * From header then, unless the address is a verified alias), and when it has nothing to sign in with.
   */
  @Override public void review(Config profile, Consumer<String> warnings) {
    if (!appliesTo(profile)) return;
    String username = ProfileAdvisor.string(profile, "username");
    // Google Workspace's SMTP relay may admit by IP address alone; smtp.gmail.com always wants a login.
    boolean relay = ProfileAdvisor.string(profile, "host").equalsIgnoreCase("smtp-relay.gmail.com");
    if (!ProfileAdvisor.hasCredentials(profile) && !relay) {
      warnings.accept("Gmail requires sign-in: give the profile a password (an App Password, " + APP_PASSWORDS
          + ") or an oauth2 block");
    }
    String from = ProfileAdvisor.string(profile, "from");
    if (username.isEmpty() || from.isEmpty()) return;
    Address sender;
    try {
      sender = Address.parse(from);
    } catch (MailException e) {
      return;  // the Mailer reports an invalid from itself
    }
    if (!username.contains("@")) {
      warnings.accept("Gmail's username is the full address of the account (such as me@gmail.com), not '" + username + "'");
      return;
    }
    if (!canonical(sender.address()).equals(canonical(username))) {
      warnings.accept("the profile sends as " + sender.address() + " but signs in as " + username + ": Gmail rewrites"
          + " the From address to " + username + " unless " + sender.address() + " is a verified \"Send mail as\""
          + " alias (Gmail → Settings → Accounts and Import)");
    }
  }

  /** Gmail ignores dots in gmail.com local parts, case, and treats googlemail.com as gmail.com. */
  static String canonical(String address) {
    String a = address.strip().toLowerCase(Locale.ROOT);
    int at = a.lastIndexOf('@');
    if (at < 0) return a;
    String local = a.substring(0, at), domain = a.substring(at + 1);
    if (domain.equals("googlemail.com")) domain = "gmail.com";
    if (domain.equals("gmail.com")) local = local.replace(".", "");
    return local + "@" + domain;
  }
}
