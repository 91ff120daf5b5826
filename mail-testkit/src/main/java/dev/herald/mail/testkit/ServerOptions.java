package dev.herald.mail.testkit;

import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every option of a {@link MockSmtpServer}, with its default: the one place an option is declared.
 * The builder writes a mutable instance; {@link #freeze()} gives the server its own copy, with the
 * defaults that depend on other options worked out, which nothing writes afterwards.
 */
final class ServerOptions implements Cloneable {
  TlsMode tlsMode = TlsMode.STARTTLS;
  boolean wrongHost;
  Instant notBefore;
  Instant notAfter;
  InetAddress bindAddress = InetAddress.getLoopbackAddress();
  String hostname = "localhost";
  /** Null until frozen: then {@code <hostname> ESMTP Herald MockSmtpServer ready} unless set. */
  String greeting;
  String ehloGreeting;
  List<String> authMechanisms = new ArrayList<>(List.of("PLAIN", "LOGIN", "XOAUTH2"));
  Map<String, String> users = new LinkedHashMap<>();
  Map<String, String> tokens = new LinkedHashMap<>();
  boolean pipelining = true;
  long size = 10_000_000;
  boolean smtpUtf8 = true;
  boolean eightBitMime = true;
  boolean enhancedStatusCodes = true;
  boolean dsn = true;
  boolean chunking;
  List<String> extraExtensions = new ArrayList<>();
  /** 0 until frozen: then the SIZE advertised, or 25 MiB. */
  long maxMessageSize;
  int maxLineLength = 1000;
  int maxRecipients = 1000;
  Duration readTimeout = Duration.ofSeconds(30);
  boolean requireTls;
  /** Null until frozen: then on when a user or token is configured. */
  Boolean requireAuth;
  boolean authOnlyAfterTls;
  int maxRecordedMessages = Integer.MAX_VALUE;
  int maxTranscriptLines = 100_000;
  int maxConnections = 100;
  /** The lines of the 535 for bad credentials; null for the default text. */
  List<String> authFailure;
  SmtpDispatcher dispatcher;
  Consumer<RecordedMessage> listener;

  /** A copy with the dependent defaults resolved and unmodifiable collections. */
  ServerOptions freeze() {
    ServerOptions f;
    try {
      f = (ServerOptions) clone();  // field by field, so that a new option needs no line here
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
    if (greeting == null) f.greeting = hostname + " ESMTP Herald MockSmtpServer ready";
    f.authMechanisms = List.copyOf(authMechanisms);
    f.users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    f.tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
    f.extraExtensions = List.copyOf(extraExtensions);
    if (maxMessageSize <= 0) f.maxMessageSize = size > 0 ? size : 25L * 1024 * 1024;
    if (requireAuth == null) f.requireAuth = !(users.isEmpty() && tokens.isEmpty());
    if (authFailure != null) f.authFailure = List.copyOf(authFailure);
    return f;
  }

  /** The names the server's certificate is for. */
  List<String> certificateNames() {
    return wrongHost ? List.of("wrong.example") : List.of("localhost", "127.0.0.1");
  }

  /** The EHLO reply's lines after the first, as the options and the session's state make them. */
  List<String> ehloExtensions(boolean tlsActive, boolean authAvailable) {
    List<String> lines = new ArrayList<>();
    if (size > 0) lines.add("SIZE " + size);
    else if (size == 0) lines.add("SIZE");
    if (eightBitMime) lines.add("8BITMIME");
    if (tlsMode == TlsMode.STARTTLS && !tlsActive) lines.add("STARTTLS");
    if (authAvailable) lines.add("AUTH " + String.join(" ", authMechanisms));
    if (enhancedStatusCodes) lines.add("ENHANCEDSTATUSCODES");
    if (pipelining) lines.add("PIPELINING");
    if (chunking) lines.add("CHUNKING");
    if (smtpUtf8) lines.add("SMTPUTF8");
    if (dsn) lines.add("DSN");
    lines.addAll(extraExtensions);
    return lines;
  }

  /** Whether MAIL FROM takes this parameter (name upper-case) with this value, given the extensions offered. */
  boolean acceptsMailParameter(String name, String value) {
    return switch (name) {
      case "SIZE" -> size >= 0 && value.matches("[0-9]{1,18}");
      case "BODY" -> eightBitMime && (value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"));
      case "SMTPUTF8" -> smtpUtf8 && value.isEmpty();
      case "RET" -> dsn && (value.equalsIgnoreCase("FULL") || value.equalsIgnoreCase("HDRS"));
      case "ENVID" -> dsn && !value.isEmpty();
      case "AUTH" -> !authMechanisms.isEmpty();
      default -> false;
    };
  }

  /** Whether RCPT TO takes this parameter (name upper-case) with this value: DSN's, when DSN is offered. */
  boolean acceptsRcptParameter(String name, String value) {
    return switch (name) {
      case "NOTIFY", "ORCPT" -> dsn && !value.isEmpty();
      default -> false;
    };
  }
}
