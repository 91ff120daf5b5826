package dev.herald.mail.cli;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
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
    // Most specific first: several of these extend each other (HostUnreachable is transient, etc.).
    if (t instanceof CommandLine.ParameterException || t instanceof UsageException) return USAGE;
    if (t instanceof InvalidMessageException) return DATAERR;
    if (t instanceof InputNotFoundException) return NOINPUT;
    if (t instanceof RecipientsRejectedException) return NOUSER;
    if (t instanceof HostUnreachableException) return UNAVAILABLE;
    if (t instanceof TlsException || t instanceof MalformedReplyException) return PROTOCOL;
    if (t instanceof AuthenticationException) return NOPERM;
    if (t instanceof InvalidConfigException) return CONFIG;
    if (t instanceof LocalIoException || t instanceof UncheckedIOException || t instanceof IOException) return IOERR;
    if (t instanceof TransientMailException) return TEMPFAIL;
    if (t instanceof PermanentMailException) return UNAVAILABLE;
    if (t instanceof MailException) return UNAVAILABLE;
    return SOFTWARE;
  }

  /** The code for a failure, by the table. */
  public static int of(Throwable t) { return new ExitCodes().getExitCode(t); }
}
