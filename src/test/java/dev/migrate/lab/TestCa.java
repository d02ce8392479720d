package dev.migrate.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A throwaway certificate authority for HTTPS checks against {@link NginxServer}, made in-process
 * with okhttp-tls {@link HeldCertificate} (no openssl run needed). Certificates are written as PEM
 * files, which is what nginx (and the migrate CLI's CA-file option) read.
 *
 * <pre>{@code
 * TestCa ca = TestCa.create(tempDir);
 * TestCa.ServerCert cert = ca.issue("www.example.test");
 * OkHttpClient client = ca.loopbackClient();   // trusts only this CA, every name -> 127.0.0.1
 * }</pre>
 */
public final class TestCa {
  private static final long DAY_MS = Duration.ofDays(1).toMillis();

  private final Path dir;
  private final HeldCertificate ca;
  private final Path caPem;
  private final AtomicInteger serial = new AtomicInteger(1);

  private TestCa(Path dir, HeldCertificate ca, Path caPem) {
    this.dir = dir;
    this.ca = ca;
    this.caPem = caPem;
  }

  /** A server certificate and its key as PEM files. */
  public record ServerCert(Path certPem, Path keyPem, X509Certificate certificate) {}

  /** Makes a new CA (valid from a day ago for a year) and writes {@code dir/ca.pem}. */
  public static TestCa create(Path dir) {
    long now = System.currentTimeMillis();
    HeldCertificate ca = new HeldCertificate.Builder()
        .commonName("migrate lab test CA")
        .certificateAuthority(0)
        .validityInterval(now - 2 * DAY_MS, now + 365 * DAY_MS)
        .ecdsa256()
        .build();
    Path pem = dir.resolve("ca.pem");
    writeFile(pem, ca.certificatePem());
    return new TestCa(dir, ca, pem);
  }

  /** PEM file of the CA certificate: give it to a client as its only trusted root. */
  public Path caCertPem() {
    return caPem;
  }

  public X509Certificate caCertificate() {
    return ca.certificate();
  }

  /** A certificate for {@code dnsNames} (subjectAltName DNS entries), valid from a day ago for 30 days. */
  public ServerCert issue(String... dnsNames) {
    long now = System.currentTimeMillis();
    return issue(now - DAY_MS, now + 30 * DAY_MS, dnsNames);
  }

  /** A certificate for {@code dnsName} whose notAfter was yesterday: TLS clients must reject it. */
  public ServerCert issueExpired(String dnsName) {
    long now = System.currentTimeMillis();
    return issue(now - 10 * DAY_MS, now - DAY_MS, dnsName);
  }

  /**
   * A valid certificate for another name ({@code wrong-name.invalid}), to serve where
   * {@code dnsName} is expected: hostname verification must fail.
   */
  public ServerCert issueWrongName(String dnsName) {
    String other = "wrong-name.invalid";
    if (other.equalsIgnoreCase(dnsName)) {
      other = "other-wrong-name.invalid";
    }
    return issue(other);
  }

  /**
   * An OkHttp client for lab HTTPS: trusts only this CA (not the platform roots), resolves every
   * host name to 127.0.0.1 (so a URL can carry the certificate's name), and never uses a proxy.
   */
  public OkHttpClient loopbackClient() {
    HandshakeCertificates trust = new HandshakeCertificates.Builder()
        .addTrustedCertificate(ca.certificate())
        .build();
    return new OkHttpClient.Builder()
        .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .proxy(Proxy.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(5))
        .callTimeout(Duration.ofSeconds(10))
        .build();
  }

  private ServerCert issue(long notBefore, long notAfter, String... dnsNames) {
    if (dnsNames.length == 0) {
      throw new IllegalArgumentException("at least one DNS name");
    }
    HeldCertificate.Builder b = new HeldCertificate.Builder()
        .commonName(dnsNames[0])
        .validityInterval(notBefore, notAfter)
        .signedBy(ca)
        .ecdsa256();
    for (String name : dnsNames) {
      b.addSubjectAlternativeName(name);
    }
    HeldCertificate cert = b.build();
    String base = "server-" + serial.getAndIncrement() + "-" + dnsNames[0].replaceAll("[^A-Za-z0-9.-]", "_");
    Path certPem = dir.resolve(base + ".crt.pem");
    Path keyPem = dir.resolve(base + ".key.pem");
    writeFile(certPem, cert.certificatePem());
    writeFile(keyPem, cert.privateKeyPkcs8Pem());
    return new ServerCert(certPem, keyPem, cert.certificate());
  }

  private static void writeFile(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
