package dev.herald.mail.cli;

import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The one place that maps failures to {@code sysexits.h} codes, as sendmail and msmtp do, so that
 * scripts can tell a retry (75) from a failure. See DESIGN.md, "Errors and exit codes".
 */
public final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {
  public static final int OK = 0;
  public static final int USAGE = 64;
  public static final int DATAERR = 65;
  public static final int NOINPUT = 66;
  public static final int NOUSER = 67;
  public static final int UNAVAILABLE = 69;
  public static final int SOFTWARE = 70;
  public static final int IOERR = 74;
  public static final int TEMPFAIL = 75;
  public static final int PROTOCOL = 76;
  public static final int NOPERM = 77;
  public static final int CONFIG = 78;

  @Override public int getExitCode(Throwable t) {
    if (t instanceof MailException m) return of(m.reason());
    if (t instanceof CommandLine.ParameterException || t instanceof UsageException) return USAGE;
    if (t instanceof UncheckedIOException || t instanceof IOException) return IOERR;
    return SOFTWARE;
  }

  /** The code for a failure, by the table. */
  public static int of(Throwable t) { return new ExitCodes().getExitCode(t); }

  /** The code for a reason: exhaustive, so a new reason does not compile until it has its code. */
  public static int of(Reason reason) {
    return switch (reason) {
      case INVALID_MESSAGE -> DATAERR;
      case INPUT_NOT_FOUND -> NOINPUT;
      case REJECTED_RECIPIENTS -> NOUSER;
      case UNKNOWN_HOST, CONNECTION_REFUSED, SERVER_PERMANENT, MESSAGE_TOO_LARGE -> UNAVAILABLE;
      case INTERNAL -> SOFTWARE;
      case LOCAL_IO -> IOERR;
      case TIMEOUT, CONNECTION_LOST, SERVER_TRANSIENT, CANCELLED -> TEMPFAIL;
      case TLS_UNAVAILABLE, TLS_UNTRUSTED, TLS_FAILED, MALFORMED_REPLY -> PROTOCOL;
      case AUTH_FAILED -> NOPERM;
      case CONFIG -> CONFIG;
    };
  }
}
