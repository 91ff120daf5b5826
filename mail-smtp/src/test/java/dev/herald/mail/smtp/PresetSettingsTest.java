package dev.herald.mail.smtp;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.spi.TransportContext;
import org.junit.jupiter.api.Test;

/** Every provider preset shipped with mail-smtp reads into valid {@link SmtpSettings}. */
class PresetSettingsTest {

  @Test void everySmtpPresetIsValid() {
    Config presets = ConfigFactory.load().getConfig("herald.presets");
    assertFalse(presets.root().isEmpty());
    for (String name : presets.root().keySet()) {
      Config p = resolve(presets, name);
      if (!p.hasPath("transport") || !p.getString("transport").equals("smtp")) continue;
      assertDoesNotThrow(() -> new SmtpTransportFactory().create(p, TransportContext.empty()).close(), name);
    }
  }

  private static Config resolve(Config presets, String name) {
    Config p = presets.getConfig(name);
    return p.hasPath("preset") ? p.withoutPath("preset").withFallback(resolve(presets, p.getString("preset"))) : p;
  }
}
