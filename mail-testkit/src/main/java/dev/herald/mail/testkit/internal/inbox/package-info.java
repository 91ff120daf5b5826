/**
 * The web inbox behind {@code herald dev-server --ui} and {@code MockSmtpServer.startUi}: a store of
 * received messages, their parsing for display, and the page and JSON API on the JDK's HTTP server.
 * Not an API.
 */
package dev.herald.mail.testkit.internal.inbox;
