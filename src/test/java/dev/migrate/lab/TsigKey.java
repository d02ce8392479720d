package dev.migrate.lab;

import java.security.SecureRandom;
import java.util.Base64;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * A TSIG key shared by a lab server and the test's client.
 *
 * @param name key name as written in server configs, e.g. {@code "lab-key"} (no trailing dot)
 * @param algorithm algorithm name as BIND and Knot spell it, e.g. {@code "hmac-sha256"}
 * @param secret base64 secret
 */
public record TsigKey(String name, String algorithm, String secret) {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A fresh hmac-sha256 key with a random 32-byte secret (what {@code tsig-keygen} makes). */
  public static TsigKey random(String name) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new TsigKey(name, "hmac-sha256", Base64.getEncoder().encodeToString(bytes));
  }

  /**
   * This key as a dnsjava {@link TSIG}, for {@code SimpleResolver.setTSIGKey}. Uses the 3-argument
   * constructor with an explicit algorithm: dnsjava's 2-argument {@code TSIG(name, secret)} means
   * HMAC-MD5, which the servers would reject as BADKEY.
   */
  public TSIG toTsig() {
    try {
      return new TSIG(TSIG.algorithmToName(algorithm), Name.fromString(name, Name.root), secret);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad TSIG key name: " + name, e);
    }
  }

  /** The same key with another secret: a client holding it is answered NOTAUTH/BADSIG. */
  public TsigKey withRandomSecret() {
    TsigKey other = random(name);
    return new TsigKey(name, algorithm, other.secret());
  }
}
