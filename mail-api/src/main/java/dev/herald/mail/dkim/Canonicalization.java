package dev.herald.mail.dkim;

import java.util.Locale;

/** RFC 6376 3.4: how header fields and the body are made canonical before hashing. */
public enum Canonicalization {
  /** Octets as they are (only trailing empty lines of the body are ignored): breaks under any rewrapping. */
  SIMPLE,
  /** Whitespace runs made one space, header names lower-cased, folding undone: survives common relays. */
  RELAXED;

  /** {@code simple} or {@code relaxed}. */
  public String tag() { return name().toLowerCase(Locale.ROOT); }

  /** By tag; null when unknown. */
  public static Canonicalization named(String name) {
    for (Canonicalization c : values()) if (c.tag().equals(name.strip().toLowerCase(Locale.ROOT))) return c;
    return null;
  }
}
