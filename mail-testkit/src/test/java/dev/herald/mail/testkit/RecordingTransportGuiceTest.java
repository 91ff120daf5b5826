package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.MailModule;
import dev.herald.mail.Providers;
import dev.herald.mail.spi.TransportFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The memory transport reaches Guice the way every transport does: discovered, then bound by name. */
class RecordingTransportGuiceTest {
  @Test void boundInTheTransportMapBinder() {
    Injector injector = Guice.createInjector(new MailModule(Providers.discover(), HeraldConfig.defaults()));
    Map<String, TransportFactory> byName = injector.getInstance(Key.get(new TypeLiteral<Map<String, TransportFactory>>() { }));
    assertInstanceOf(RecordingTransportFactory.class, byName.get("memory"));
  }
}
