/**
 * JUnit 5 glue for the testkit: {@link dev.herald.mail.testkit.junit5.MockSmtpExtension} and
 * {@link dev.herald.mail.testkit.junit5.MockSmtp} give tests a fresh server, and
 * {@link dev.herald.mail.testkit.junit5.TransportContract} is the suite every transport passes.
 * Needs {@code junit-jupiter-api} on the test class path (an optional dependency of this jar).
 */
package dev.herald.mail.testkit.junit5;
