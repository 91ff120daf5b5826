package dev.herald.mail.smtp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate made with the JDK's keytool: a PKCS12 key store for the server
 * and the certificate as PEM for the client's {@code tls-trust}.
 */
public final class TestCertificates {
  public static final String PASSWORD = "changeit";
  private final Path keyStore;
  private final Path pem;

  private TestCertificates(Path keyStore, Path pem) {
    this.keyStore = keyStore;
    this.pem = pem;
  }

  /** @param san the subject alternative names, e.g. {@code dns:localhost,ip:127.0.0.1} */
  public static TestCertificates create(Path dir, String name, String san) {
    try {
      Files.createDirectories(dir);
      Path ks = dir.resolve(name + ".p12");
      Path pem = dir.resolve(name + ".pem");
      if (!Files.exists(ks)) {
        Path work = Files.createTempDirectory(dir, name + "-");
        Path wks = work.resolve(ks.getFileName());
        Path wpem = work.resolve(pem.getFileName());
        run("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=" + name, "-ext", "SAN=" + san, "-storetype", "PKCS12", "-keystore", wks.toString(),
            "-storepass", PASSWORD, "-keypass", PASSWORD);
        run("-exportcert", "-rfc", "-alias", "server", "-keystore", wks.toString(), "-storepass", PASSWORD,
            "-file", wpem.toString());
        publish(work, ks, pem);
      }
      return new TestCertificates(ks, pem);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("keytool failed", e);
    }
  }

  /**
   * A server certificate signed by a private CA: the key store holds the chain, {@link #pem()} is
   * the CA's certificate (what a user of a private CA puts in {@code tls-trust}).
   */
  public static TestCertificates signedByCa(Path dir, String name, String san) {
    return signedByCa(dir, name, san, null);
  }

  /**
   * As {@link #signedByCa(Path, String, String)}, the server certificate valid for 2 days from
   * {@code startDate} (keytool's {@code -startdate}: {@code "-10d"} makes one that expired 8 days ago).
   */
  public static TestCertificates signedByCa(Path dir, String name, String san, String startDate) {
    try {
      Files.createDirectories(dir);
      Path ca = dir.resolve(name + "-ca.p12");
      Path caPem = dir.resolve(name + "-ca.pem");
      Path ks = dir.resolve(name + ".p12");
      if (!Files.exists(ks)) {
        // Made in a work directory and published key store last: a run killed half-way (a keytool
        // timeout under load) must not leave files that the next run takes for a finished set.
        Path work = Files.createTempDirectory(dir, name + "-");
        Path finalKs = ks;
        Path finalCaPem = caPem;
        ca = work.resolve(ca.getFileName());
        caPem = work.resolve(caPem.getFileName());
        ks = work.resolve(ks.getFileName());
        run("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=" + name + " test CA", "-ext", "bc:c", "-storetype", "PKCS12", "-keystore", ca.toString(),
            "-storepass", PASSWORD, "-keypass", PASSWORD);
        run("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-file", caPem.toString());
        run("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=" + name, "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        Path csr = work.resolve(name + ".csr");
        Path signed = work.resolve(name + "-signed.pem");
        run("-certreq", "-alias", "server", "-keystore", ks.toString(), "-storepass", PASSWORD, "-file", csr.toString());
        List<String> gencert = new java.util.ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", ca.toString(),
            "-storepass", PASSWORD, "-infile", csr.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext", "SAN=" + san));
        if (startDate != null) gencert.addAll(List.of("-startdate", startDate));
        run(gencert.toArray(new String[0]));
        run("-importcert", "-noprompt", "-alias", "ca", "-keystore", ks.toString(), "-storepass", PASSWORD, "-file", caPem.toString());
        run("-importcert", "-alias", "server", "-keystore", ks.toString(), "-storepass", PASSWORD, "-file", signed.toString());
        publish(work, finalKs, finalCaPem);
        ks = finalKs;
        caPem = finalCaPem;
      }
      return new TestCertificates(ks, caPem);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("keytool failed", e);
    }
  }

  /** Moves the PEM and then the key store (whose presence means "done") out of {@code work}. */
  private static void publish(Path work, Path ks, Path pem) throws IOException {
    Files.move(work.resolve(pem.getFileName()), pem, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(work.resolve(ks.getFileName()), ks, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    try (var left = Files.list(work)) {
      for (Path f : (Iterable<Path>) left::iterator) Files.delete(f); // the CA's key store, the request
    }
    Files.delete(work);
  }

  private static void run(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("keytool: " + out);
  }

  public Path keyStore() { return keyStore; }

  public Path pem() { return pem; }

  /** A server-side TLS context with this certificate. */
  public SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
