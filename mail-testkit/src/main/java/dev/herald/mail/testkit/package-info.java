/**
 * Test support for code that sends mail: {@link dev.herald.mail.testkit.MockSmtpServer}, a real
 * ESMTP server on loopback that records what it receives and fails on cue
 * ({@link dev.herald.mail.testkit.Fault}, {@link dev.herald.mail.testkit.SmtpDispatcher});
 * {@link dev.herald.mail.testkit.RecordingTransport}, the {@code memory} transport; and
 * {@link dev.herald.mail.testkit.DevServer}, a local inbox for development with an optional web inbox
 * (also {@link dev.herald.mail.testkit.MockSmtpServer#startUi}). No JUnit here: see
 * {@link dev.herald.mail.testkit.junit5}.
 */
package dev.herald.mail.testkit;
