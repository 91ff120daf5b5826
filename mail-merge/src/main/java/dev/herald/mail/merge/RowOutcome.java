package dev.herald.mail.merge;

/**
 * What became of one row.
 *
 * @param row the row's number
 * @param recipient its To, Cc and Bcc as rendered ({@code ""} when they could not be)
 * @param messageId the Message-ID it was queued with, or {@code ""}
 * @param status where it stands
 * @param reply the server's reply, the reason it was refused or deferred, or what is wrong with the row
 */
public record RowOutcome(int row, String recipient, String messageId, Status status, String reply) {
  /** Where a row stands. */
  public enum Status {
    /** Accepted by the server (in this run or an earlier one). */
    SENT,
    /** Refused by the server for good (a 5xx reply); not tried again. */
    REFUSED,
    /** Failed for now (a 4xx reply, the server down); waits in the queue for its next attempt. */
    DEFERRED,
    /** Not queued: the row's data is bad (see the reply). */
    SKIPPED,
    /** Queued, not yet attempted: the run was stopped, or another worker holds it. */
    PENDING
  }
}
