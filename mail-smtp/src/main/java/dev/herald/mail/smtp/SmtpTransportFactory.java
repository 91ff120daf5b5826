package dev.herald.mail.smtp;

import com.typesafe.config.Config;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;

/** The {@code smtp} transport: {@code transport = smtp} in a profile. Registered in {@code META-INF/services}. */
public final class SmtpTransportFactory implements TransportFactory {

  @Override public String name() { return "smtp"; }

  /** Reads every setting now (a bad one fails here, naming file and line) and opens no connection. */
  @Override public Transport create(Config profile, TransportContext context) {
    SmtpSettings settings = SmtpSettings.from(profile);
    String username = profile.hasPath("username") ? profile.getString("username") : null;
    return SmtpTransport.create(settings, context, username);
  }
}
