package dev.herald.mail.spi;

import java.util.Optional;

/**
 * The identity a transport logs in with. A profile may give a password, a bearer token source
 * (OAuth2), both, or neither; the transport picks an AUTH mechanism that fits what it has.
 *
 * @param username the login name, or null
 * @param password the password source, or null
 * @param token the OAuth2 access-token source, or null
 */
public record Credentials(String username, CredentialSource password, CredentialSource token) {

  /** No login. */
  public static final Credentials NONE = new Credentials(null, null, null);

  public static Credentials password(String username, CredentialSource password) {
    return new Credentials(username, password, null);
  }

  public static Credentials token(String username, CredentialSource token) {
    return new Credentials(username, null, token);
  }

  public Optional<String> usernameIfAny() { return Optional.ofNullable(username); }
  public Optional<CredentialSource> passwordIfAny() { return Optional.ofNullable(password); }
  public Optional<CredentialSource> tokenIfAny() { return Optional.ofNullable(token); }

  /** True when there is anything to log in with. */
  public boolean present() { return password != null || token != null; }

  @Override public String toString() {
    return "Credentials[username=" + username + ", password=" + (password == null ? "none" : password.describe())
        + ", token=" + (token == null ? "none" : token.describe()) + "]";
  }
}
