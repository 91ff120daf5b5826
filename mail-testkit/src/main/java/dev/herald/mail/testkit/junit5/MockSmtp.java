package dev.herald.mail.testkit.junit5;

import dev.herald.mail.testkit.MockSmtpServer;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Configures the {@link MockSmtpServer} that {@link MockSmtpExtension} gives a test, and enables
 * the extension. Put it on the test class, a test method, a {@code MockSmtpServer} field or
 * parameter; the closest one wins (parameter or field, then method, then class).
 *
 * <pre>{@code
 * @MockSmtp(users = "bob:secret", tls = MockSmtpServer.TlsMode.IMPLICIT)
 * class SignupTest { @Test void sends(MockSmtpServer smtp) { … } }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(MockSmtpExtension.class)
public @interface MockSmtp {

  /** One server per test method (default) or one for the whole class. Read from the class annotation only. */
  enum Scope { TEST, CLASS }

  Scope scope() default Scope.TEST;

  MockSmtpServer.TlsMode tls() default MockSmtpServer.TlsMode.STARTTLS;

  /** Users for PLAIN and LOGIN as {@code "name:password"}. */
  String[] users() default {};

  /** Bearer tokens for XOAUTH2 and OAUTHBEARER as {@code "name:token"}. */
  String[] tokens() default {};

  /** The AUTH mechanisms advertised; empty for no AUTH extension. */
  String[] authMechanisms() default {"PLAIN", "LOGIN", "XOAUTH2"};

  boolean pipelining() default true;

  boolean chunking() default false;

  boolean smtpUtf8() default true;

  boolean wrongHostCertificate() default false;

  /** Refuses MAIL until STARTTLS ({@code 530 5.7.0}). */
  boolean requireTls() default false;

  /** Advertises and accepts AUTH only after STARTTLS. */
  boolean authOnlyAfterTls() default false;

  /** Starts from {@link MockSmtpServer.Builder#gmailLike()}; the other attributes then apply on top. */
  boolean gmailLike() default false;
}
