package dev.herald.mail.oauth2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PkceTest {
  @Test void theChallengeIsRfc7636AppendixB() {
    assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
  }

  @Test void eachFlowGetsFreshUnpaddedUrlSafeValues() {
    Pkce a = Pkce.create(), b = Pkce.create();
    assertEquals(43, a.verifier().length());
    assertTrue(a.verifier().matches("[A-Za-z0-9_-]+"));
    assertTrue(a.state().matches("[A-Za-z0-9_-]{32}"));
    assertEquals(Pkce.challenge(a.verifier()), a.challenge());
    assertNotEquals(a.verifier(), b.verifier());
    assertNotEquals(a.state(), b.state());
    assertFalse(a.toString().contains(a.verifier()));
  }
}
