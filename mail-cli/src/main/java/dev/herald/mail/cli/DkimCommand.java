package dev.herald.mail.cli;

import dev.herald.mail.LocalIoException;
import dev.herald.mail.dkim.DkimAlgorithm;
import dev.herald.mail.dkim.DkimKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code herald dkim}: DKIM key management; {@code keygen} makes a key and prints its DNS record. */
@Command(name = "dkim", mixinStandardHelpOptions = true, subcommands = DkimCommand.Keygen.class,
    description = {"DKIM keys: make one and print the DNS record to publish.",
        "A profile signs what it sends with dkim { domain, selector, private-key.file }; herald check shows the setup."},
    footer = {"", "Example:", "  herald dkim keygen --domain example.org --selector s2026 --out ~/.config/herald/dkim.pem"})
final class DkimCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** Writes a new private key owner-only (never over an existing file without --force) and prints the TXT record. */
  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = {"Make a DKIM key pair: the private key goes to KEYFILE (PKCS#8 PEM, readable by you only),"
          + " the DNS TXT record to publish is printed on stdout."},
      footer = {"", "Examples:",
          "  herald dkim keygen --domain example.org --selector s2026 --out dkim.pem",
          "  herald dkim keygen --domain example.org --selector ed2026 --algorithm ed25519 --out dkim-ed.pem",
          "", "Then set in the profile: dkim { domain = example.org, selector = s2026, private-key.file = \"dkim.pem\" }"})
  static final class Keygen implements Callable<Integer> {
    private final CliContext ctx;

    Keygen(CliContext ctx) { this.ctx = ctx; }

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The signing domain (d=).")
    String domain;
    @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "The selector (s=): the record goes at SELECTOR._domainkey.DOMAIN.")
    String selector;
    @Option(names = "--algorithm", paramLabel = "rsa|ed25519", defaultValue = "rsa",
        description = "rsa (default; verified everywhere) or ed25519 (RFC 8463; sign with both for now).")
    String algorithm;
    @Option(names = "--bits", paramLabel = "N", defaultValue = "2048", description = "RSA key size, 2048 or more (default 2048).")
    int bits;
    @Option(names = "--out", required = true, paramLabel = "KEYFILE", description = "Where to write the private key.")
    Path out;
    @Option(names = "--force", description = "Replace KEYFILE if it exists.")
    boolean force;
    @Mixin CommonOptions common;

    @Override public Integer call() {
      DkimAlgorithm a = DkimAlgorithm.named(algorithm);
      if (a == null) throw new UsageException("--algorithm must be rsa or ed25519, not '" + algorithm + "'");
      if (a == DkimAlgorithm.RSA_SHA256 && (bits < DkimKeys.MIN_RSA_BITS || bits > 16384)) {
        throw new UsageException("--bits must be 2048 to 16384 for RSA, not " + bits);
      }
      String d = name(domain, "--domain");
      String s = name(selector, "--selector");
      Path file = out.toAbsolutePath();
      if (!force && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new UsageException(out + " exists; give --force to replace it, or another --out");
      }
      KeyPair pair = DkimKeys.generate(a, bits);
      write(file, DkimKeys.pem(pair.getPrivate()), force);
      String record = DkimKeys.dnsRecord(d, s, pair.getPublic());
      ctx.out().println(record);
      if (!ctx.quiet()) {
        ctx.err().println("herald: wrote the " + a.keyType() + " private key to " + out + " (readable by you only);"
            + " publish the record above, then set in the profile:");
        ctx.err().println("herald:   dkim { domain = " + d + ", selector = " + s + ", private-key.file = \"" + file + "\" }");
      }
      return ExitCodes.OK;
    }

    private static String name(String value, String option) {
      try {
        return DkimKeys.asciiName(value, option.substring(2));
      } catch (IllegalArgumentException e) {
        throw new UsageException(option + ": " + e.getMessage());
      }
    }

    /**
     * Created owner-only from the start (no moment when others could read it), written whole to a
     * temporary file beside the target and then moved into place: no half-written key.
     */
    static void write(Path file, String pem, boolean replace) {
      Path dir = file.getParent();
      Path tmp = null;
      try {
        Files.createDirectories(dir);
        try {
          tmp = Files.createTempFile(dir, ".dkim-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
          tmp = Files.createTempFile(dir, ".dkim-", ".tmp");
        }
        Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
        if (replace) {
          try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
          }
        } else {
          // A hard link fails if the name exists, atomically, so a key that appeared meanwhile is never replaced.
          try {
            Files.createLink(file, tmp);
          } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
            if (noLinks instanceof FileAlreadyExistsException) throw noLinks;
            Files.move(tmp, file);
          }
        }
      } catch (FileAlreadyExistsException e) {
        throw new UsageException(file + " exists; give --force to replace it, or another --out");
      } catch (IOException e) {
        throw new LocalIoException("cannot write the key to " + file + ": " + e.getMessage(), e);
      } finally {
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // a stray temporary file, owner-only; nothing else to do
          }
        }
      }
    }
  }
}
