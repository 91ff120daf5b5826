package dev.herald.mail;

/** Message priority, written as {@code X-Priority} and {@code Importance} headers. */
public enum Priority {
  HIGH("1 (Highest)", "high"),
  NORMAL("3 (Normal)", "normal"),
  LOW("5 (Lowest)", "low");

  private final String xPriority;
  private final String importance;

  Priority(String xPriority, String importance) {
    this.xPriority = xPriority;
    this.importance = importance;
  }

  /** The value of the {@code X-Priority} header. */
  public String xPriority() { return xPriority; }

  /** The value of the {@code Importance} header (RFC 2156). */
  public String importance() { return importance; }
}
