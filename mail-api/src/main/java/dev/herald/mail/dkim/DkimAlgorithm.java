package dev.herald.mail.dkim;

import java.util.Locale;

/** The signing algorithms Herald offers: {@code a=} in the signature, {@code k=} in the DNS record. */
public enum DkimAlgorithm {
  /** RSA (2048 bits and more) over SHA-256, RFC 6376: the one every verifier knows. */
  RSA_SHA256("rsa-sha256", "rsa", "RSA"),
  /** Ed25519 over the SHA-256 of the data, RFC 8463: short keys and signatures; not yet verified everywhere. */
  ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

  private final String tag;
  private final String keyType;
  private final String jcaName;

  DkimAlgorithm(String tag, String keyType, String jcaName) {
    this.tag = tag;
    this.keyType = keyType;
    this.jcaName = jcaName;
  }

  /** The {@code a=} value: {@code rsa-sha256}, {@code ed25519-sha256}. */
  public String tag() { return tag; }

  /** The {@code k=} value of the DNS record, and the config name: {@code rsa}, {@code ed25519}. */
  public String keyType() { return keyType; }

  /** The JCA key algorithm name. */
  String jcaName() { return jcaName; }

  /** By config name ({@code rsa}, {@code ed25519}) or tag ({@code rsa-sha256}); null when unknown. */
  public static DkimAlgorithm named(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    for (DkimAlgorithm a : values()) if (a.keyType.equals(n) || a.tag.equals(n)) return a;
    return null;
  }
}
