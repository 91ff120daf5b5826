package dev.herald.mail.dkim;

import dev.herald.mail.InvalidConfigException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * DKIM keys: read from PEM (PKCS#8 {@code PRIVATE KEY}, or PKCS#1 {@code RSA PRIVATE KEY}), made
 * afresh, written as PKCS#8 PEM, and their public halves as the DNS TXT record to publish.
 */
public final class DkimKeys {
  /** RFC 8301 asks for at least 1024 bits; Herald signs with 2048 and more, as current advice has it. */
  public static final int MIN_RSA_BITS = 2048;

  private DkimKeys() {}

  /** The algorithm a private key signs with. */
  public static DkimAlgorithm algorithmOf(PrivateKey key) {
    if (key instanceof java.security.interfaces.RSAKey) return DkimAlgorithm.RSA_SHA256;
    if (key instanceof EdECPrivateKey e && "Ed25519".equalsIgnoreCase(((NamedParameterSpec) e.getParams()).getName())) {
      return DkimAlgorithm.ED25519_SHA256;
    }
    throw new IllegalArgumentException("not an RSA or Ed25519 key: " + key.getAlgorithm());
  }

  /**
   * Reads a private key from PEM text; {@code where} names its source in errors (never the key).
   *
   * @throws InvalidConfigException when it is no RSA (2048 bits or more) or Ed25519 private key
   */
  public static PrivateKey parsePem(String pem, String where) {
    String text = pem.strip();
    String label = label(text);
    if (label == null) {
      throw new InvalidConfigException("the DKIM private key (" + where + ") is not PEM: expected a"
          + " '-----BEGIN PRIVATE KEY-----' block (make one with: herald dkim keygen)");
    }
    byte[] der;
    try {
      String body = text.substring(text.indexOf('\n') + 1, text.lastIndexOf("-----END"));
      der = Base64.getMimeDecoder().decode(body);
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      throw new InvalidConfigException("the DKIM private key (" + where + ") is damaged PEM: its base64 does not decode");
    }
    PrivateKey key;
    switch (label) {
      case "PRIVATE KEY" -> key = pkcs8(der, where);
      case "RSA PRIVATE KEY" -> key = rsa(pkcs1ToPkcs8(der), where);
      case "ENCRYPTED PRIVATE KEY" -> throw new InvalidConfigException("the DKIM private key (" + where
          + ") is encrypted; store it unencrypted and owner-only: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem");
      default -> throw new InvalidConfigException("the DKIM private key (" + where + ") is a '" + label
          + "' PEM block; expected PRIVATE KEY (PKCS#8) or RSA PRIVATE KEY (PKCS#1)");
    }
    if (key instanceof RSAPrivateCrtKey r && r.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new InvalidConfigException("the DKIM RSA key (" + where + ") has " + r.getModulus().bitLength()
          + " bits; use " + MIN_RSA_BITS + " or more (herald dkim keygen --bits 2048), or ed25519");
    }
    return key;
  }

  private static String label(String text) {
    if (!text.startsWith("-----BEGIN ")) return null;
    int end = text.indexOf("-----", 11);
    return end < 0 ? null : text.substring(11, end);
  }

  private static PrivateKey pkcs8(byte[] der, String where) {
    for (String alg : new String[] {"RSA", "Ed25519"}) {
      try {
        PrivateKey k = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        algorithmOf(k);
        return k;
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new InvalidConfigException("the DKIM private key (" + where + ") is neither an RSA nor an Ed25519 PKCS#8 key");
  }

  private static PrivateKey rsa(byte[] pkcs8, String where) {
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new InvalidConfigException("the DKIM private key (" + where + ") is not a valid PKCS#1 RSA key");
    }
  }

  /** PKCS#1 RSAPrivateKey wrapped as PKCS#8: SEQUENCE { 0, { rsaEncryption, NULL }, OCTET STRING pkcs1 }. */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
    inner.writeBytes(algorithm);
    inner.writeBytes(der(0x04, pkcs1));
    return der(0x30, inner.toByteArray());
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      byte[] len = BigInteger.valueOf(n).toByteArray();
      int skip = len[0] == 0 ? 1 : 0;
      out.write(0x80 | (len.length - skip));
      out.write(len, skip, len.length - skip);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** The public half of a private key: RSA from its CRT parameters, Ed25519 from its seed. */
  public static PublicKey publicKey(PrivateKey key) {
    try {
      if (key instanceof RSAPrivateCrtKey r) {
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(r.getModulus(), r.getPublicExponent()));
      }
      if (key instanceof EdECPrivateKey e) {
        byte[] seed = e.getBytes().orElseThrow(() -> new IllegalArgumentException("the Ed25519 key has no seed"));
        // The JDK derives an Ed25519 public key only while generating a pair: hand it this seed as the "random" bytes.
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
        return g.generateKeyPair().getPublic();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the public key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("cannot derive the public key of a " + key.getAlgorithm() + " key without CRT parameters");
  }

  /** A new key pair: RSA of {@code bits} (2048 or more), or Ed25519 ({@code bits} ignored). */
  public static KeyPair generate(DkimAlgorithm algorithm, int bits) {
    try {
      if (algorithm == DkimAlgorithm.RSA_SHA256) {
        if (bits < MIN_RSA_BITS || bits > 16384) throw new IllegalArgumentException("RSA keys need 2048 to 16384 bits, not " + bits);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
        return g.generateKeyPair();
      }
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java runtime cannot make " + algorithm.keyType() + " keys: " + e.getMessage(), e);
    }
  }

  /** The private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), lines of 64 characters. */
  public static String pem(PrivateKey key) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  /**
   * The {@code p=} value of the DNS record: the SubjectPublicKeyInfo for RSA (RFC 6376 3.6.1), the
   * raw 32-octet key for Ed25519 (RFC 8463 4.2).
   */
  public static String publicKeyValue(PublicKey key) {
    byte[] spki = key.getEncoded();
    if (key instanceof RSAPublicKey) return Base64.getEncoder().encodeToString(spki);
    if ("Ed25519".equalsIgnoreCase(key.getAlgorithm()) || "EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
      return Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }
    throw new IllegalArgumentException("not an RSA or Ed25519 key: " + key.getAlgorithm());
  }

  /** The TXT record's text: {@code v=DKIM1; k=rsa; p=…}. */
  public static String txtValue(PublicKey key) {
    return "v=DKIM1; k=" + (key instanceof RSAPublicKey ? "rsa" : "ed25519") + "; p=" + publicKeyValue(key);
  }

  /**
   * The record as a zone file line: {@code S._domainkey.D IN TXT "v=DKIM1; k=…; p=…"}, its text split
   * into strings of at most 255 characters (RFC 1035 3.3.14; a 2048-bit RSA key needs two).
   */
  public static String dnsRecord(String domain, String selector, PublicKey key) {
    String txt = txtValue(key);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < txt.length(); i += 255) parts.add('"' + txt.substring(i, Math.min(txt.length(), i + 255)) + '"');
    return selector + "._domainkey." + domain + " IN TXT " + String.join(" ", parts);
  }

  /**
   * A domain or selector in the ASCII form DNS and {@code d=}/{@code s=} use (an internationalised
   * name as its A-label), lower case.
   *
   * @throws IllegalArgumentException naming {@code what} when it is no valid DNS name
   */
  public static String asciiName(String name, String what) {
    String ascii;
    try {
      ascii = java.net.IDN.toASCII(name.strip(), java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DKIM " + what + ": " + e.getMessage());
    }
    if (!ascii.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DKIM " + what);
    }
    return ascii;
  }

  /** Hands out fixed bytes, so that key generation derives the public key of a given seed. */
  private static final class FixedBytes extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedBytes(byte[] bytes) { this.bytes = bytes.clone(); }

    @Override public void nextBytes(byte[] out) {
      if (out.length != bytes.length) throw new IllegalStateException("unexpected request for " + out.length + " octets");
      System.arraycopy(bytes, 0, out, 0, out.length);
    }
  }
}
