package dev.herald.mail.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The arguments of {@code herald sendmail}, read the way sendmail and msmtp read them:
 * {@code -t}, {@code -f FROM} (or {@code -fFROM}, {@code -r FROM}), {@code -F NAME}, {@code -i},
 * {@code -oi}, {@code -v}, recipients; the sendmail flags that do not apply to a client
 * ({@code -oXXX}, {@code -bm}, {@code -N dsn}, {@code -B type}, {@code -R ret}, {@code -V envid},
 * {@code -X file}, {@code -C file}, {@code -L tag}, {@code -O opt}, {@code -h hops}, {@code -A x},
 * {@code -G}, {@code -U}, {@code -m}, {@code -n}, {@code -e…}, {@code -d…}) are accepted and
 * ignored; Herald's own {@code --profile}, {@code --config}, {@code --set}, {@code --trace},
 * {@code --verbose} (and msmtp's {@code -a NAME}) choose the profile.
 */
final class SendmailArgs {
  /** Flags whose value is the next argument when it is not attached ({@code -N never} or {@code -Nnever}). */
  private static final Set<Character> WITH_VALUE = Set.of('f', 'r', 'F', 'N', 'R', 'V', 'B', 'X', 'C', 'L', 'O', 'h', 'A', 'a');
  private static final Set<String> UNSUPPORTED_MODES = Set.of("s", "p", "d", "D", "t", "v", "i", "P", "h", "H");

  boolean readRecipients;
  /** The envelope sender given with -f/-r; "" for the null sender; null when not given. */
  String envelopeFrom;
  String fullName;
  boolean verbose;
  boolean trace;
  boolean stackTraces;
  String profile;
  java.nio.file.Path config;
  final List<String> sets = new ArrayList<>();
  final List<String> recipients = new ArrayList<>();

  static SendmailArgs parse(List<String> args) {
    SendmailArgs a = new SendmailArgs();
    boolean options = true;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!options || !arg.startsWith("-") || arg.equals("-")) {
        a.recipients.add(arg);
        continue;
      }
      if (arg.equals("--")) { options = false; continue; }
      if (arg.startsWith("--")) { i = a.longOption(args, i); continue; }
      char flag = arg.charAt(1);
      String value = null;
      if (WITH_VALUE.contains(flag)) {
        if (arg.length() > 2) value = arg.substring(2);
        else if (i + 1 < args.size()) value = args.get(++i);
        else throw new UsageException("sendmail option " + arg + " needs a value");
      }
      switch (flag) {
        case 't' -> a.readRecipients = true;
        case 'f', 'r' -> a.envelopeFrom = value.equals("<>") ? "" : value;
        case 'F' -> a.fullName = value;
        case 'a' -> a.profile = value; // msmtp's account
        case 'v' -> a.verbose = true;
        case 'b' -> {
          String mode = arg.substring(2);
          if (UNSUPPORTED_MODES.contains(mode)) {
            throw new UsageException("sendmail mode -b" + mode + " is not supported: herald sendmail only sends the"
                + " message read from stdin (-bm)");
          }
        }
        case 'q' -> throw new UsageException("sendmail queue runs (" + arg + ") are not supported: herald keeps no queue");
        default -> { } // -i, -oi, -oem, -odi, -N, -B, -R, -V, -X, -C, -L, -O, -h, -A, -G, -U, -m, -n, -e…, -d…: ignored
      }
    }
    return a;
  }

  private int longOption(List<String> args, int i) {
    String arg = args.get(i);
    int eq = arg.indexOf('=');
    String name = eq < 0 ? arg : arg.substring(0, eq);
    switch (name) {
      case "--trace" -> { trace = true; return i; }
      case "--verbose" -> { stackTraces = true; return i; }
      case "--read-recipients" -> { readRecipients = true; return i; }
      case "--profile", "--account", "--config", "--set", "--from" -> {
        String value;
        if (eq >= 0) value = arg.substring(eq + 1);
        else if (i + 1 < args.size()) value = args.get(++i);
        else throw new UsageException(name + " needs a value");
        switch (name) {
          case "--profile", "--account" -> profile = value;
          case "--config" -> config = java.nio.file.Path.of(value);
          case "--set" -> sets.add(value);
          default -> envelopeFrom = value;
        }
        return i;
      }
      default -> throw new UsageException("unknown option " + arg + " for sendmail (see 'herald sendmail --help')");
    }
  }

  ProfileOptions profileOptions() {
    ProfileOptions o = new ProfileOptions();
    o.profile = profile;
    o.config = config;
    o.sets = sets;
    return o;
  }
}
