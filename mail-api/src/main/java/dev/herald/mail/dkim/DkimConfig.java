package dev.herald.mail.dkim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import java.security.PrivateKey;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads a profile's {@code dkim { … }} block eagerly; every error names the key, file and line. */
final class DkimConfig {
  static final Set<String> KEYS = Set.of("domain", "selector", "private-key", "algorithm", "headers",
      "canonicalization", "expire");

  private DkimConfig() {}

  static DkimSigner signer(ConfigValue value, String path, CredentialSourceFactory.Resolver secrets) {
    if (!(value instanceof ConfigObject obj)) {
      throw new InvalidConfigException(path + " at " + where(value) + " must be a block: dkim { domain = …, selector = …,"
          + " private-key.file = … }");
    }
    for (String k : obj.keySet()) {
      if (!KEYS.contains(k)) {
        throw new InvalidConfigException("unknown key '" + k + "' in " + path + " at " + where(obj.get(k))
            + "; keys of dkim: " + String.join(", ", new TreeSet<>(KEYS)));
      }
    }
    Config c = obj.toConfig();
    DkimSigner.Builder b = DkimSigner.builder();
    String key = null;
    try {
      key = "domain";
      b.domain(required(c, obj, key, path));
      key = "selector";
      b.selector(required(c, obj, key, path));
      key = "headers";
      if (c.hasPath(key)) b.headers(c.getStringList(key));
      key = "canonicalization";
      if (c.hasPath(key)) canonicalization(b, c.getString(key));
      key = "expire";
      if (c.hasPath(key)) b.expireAfter(c.getDuration(key));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new InvalidConfigException(path + "." + key + " at " + where(obj.get(key)) + ": " + message(e), e);
    }
    if (!obj.containsKey("private-key")) {
      throw new InvalidConfigException(path + " at " + where(value) + " needs private-key (private-key.file = \"dkim.pem\";"
          + " make one with: herald dkim keygen)");
    }
    CredentialSource source = secrets.resolve(obj.get("private-key"), path + ".private-key");
    String where = path + ".private-key, " + source.describe();
    PrivateKey pk = DkimKeys.parsePem(source.get().reveal(), where);
    if (obj.containsKey("algorithm")) {
      DkimAlgorithm wanted = DkimAlgorithm.named(String.valueOf(obj.get("algorithm").unwrapped()));
      if (wanted == null) {
        throw new InvalidConfigException(path + ".algorithm at " + where(obj.get("algorithm")) + " must be rsa or ed25519");
      }
      if (wanted != DkimKeys.algorithmOf(pk)) {
        throw new InvalidConfigException(path + ".algorithm at " + where(obj.get("algorithm")) + " is " + wanted.keyType()
            + ", but the key (" + source.describe() + ") is " + DkimKeys.algorithmOf(pk).keyType());
      }
    }
    return b.privateKey(pk).keySource(source.describe()).build();
  }

  private static String required(Config c, ConfigObject obj, String key, String path) {
    if (!c.hasPath(key)) throw new InvalidConfigException(path + " at " + where(obj) + " needs " + key);
    return c.getString(key);
  }

  private static void canonicalization(DkimSigner.Builder b, String value) {
    List<String> parts = List.of(value.split("/", -1));
    Canonicalization h = parts.size() <= 2 ? Canonicalization.named(parts.get(0)) : null;
    // One word applies to both (unlike c=, where a lone header algorithm means a simple body).
    Canonicalization body = parts.size() == 2 ? Canonicalization.named(parts.get(1)) : h;
    if (h == null || body == null) {
      throw new IllegalArgumentException("'" + value + "' is not relaxed/relaxed, relaxed/simple, simple/relaxed or simple/simple");
    }
    b.canonicalization(h, body);
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    int colon = m == null ? -1 : m.lastIndexOf(": ");
    return e instanceof ConfigException && colon >= 0 ? m.substring(colon + 2) : m;
  }

  private static String where(ConfigValue v) {
    String d = v.origin().description();
    return d == null ? "?" : d.replaceFirst("^merge of ", "");
  }
}
