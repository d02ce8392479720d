package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Names;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.SettingProblem;
import java.util.List;
import dev.migrate.secret.Secret;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * The {@code tsig:} block: key name, algorithm, and the secret loaded from a file or an environment
 * variable. {@link #toString()} never shows the secret.
 */
record TsigKeySpec(String name, String algorithm, Secret secret) {
    /** hmac-md5 is legacy (RFC 8945 §6 lists it as optional); accepted only when named outright. */
    static final Set<String> ALGORITHMS = Set.of("hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-md5");
    static final Set<String> KEYS = Set.of("name", "algorithm", "secretFile", "secretEnv");
    static final String DEFAULT_ALGORITHM = "hmac-sha256";

    /** A BIND key file ({@code tsig-keygen} output) may be given as secretFile: take its secret line. */
    private static final Pattern BIND_SECRET = Pattern.compile("secret\\s+\"([^\"]+)\"");

    /**
     * Checks the block's shape and algorithm and loads the secret through {@link ProviderConfig#secret},
     * which registers it with the Redactor the moment it is read.
     */
    static TsigKeySpec parse(Map<String, Object> block, ProviderConfig config) throws ProviderException {
        try {
            return parseChecked(block, config);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.INVALID, "provider rfc2136: " + e.getMessage());
        }
    }

    private static TsigKeySpec parseChecked(Map<String, Object> block, ProviderConfig config) throws ProviderException {
        knownKeys(block);
        String name = name(block);
        String alg = algorithm(block);
        Secret secret = checkedSecret(config.secret(block, "secret", SECRET));
        return new TsigKeySpec(name, alg, secret);
    }

    static final String SECRET = "provider rfc2136: the TSIG secret";

    /** The block's values, each problem on its key under {@code tsig}, for the plan loader. */
    static void check(Map<String, Object> block, List<SettingProblem> out) {
        for (String k : block.keySet()) {
            if (!KEYS.contains(k)) {
                out.add(new SettingProblem(List.of("tsig", k), "unknown key '" + k + "' in tsig (allowed: name, algorithm,"
                        + " secretFile, secretEnv)"));
            }
        }
        Rfc2136Settings.problem(out, block.get("name") == null ? List.of("tsig") : List.of("tsig", "name"), () -> name(block));
        Rfc2136Settings.problem(out, List.of("tsig", "algorithm"), () -> algorithm(block));
        boolean env = block.get("secretEnv") != null;
        boolean file = block.get("secretFile") != null;
        if (env && file) out.add(new SettingProblem(List.of("tsig", "secretFile"), "give either secretEnv or secretFile, not both"));
        if (!env && !file) {
            out.add(new SettingProblem(List.of("tsig"), "needs secretEnv (an environment variable) or secretFile (a file)"
                    + " holding the key's secret"));
        }
    }

    /** The secret file, read and checked (base64, or a BIND key file) as {@link #parse} does. */
    static void checkFile(Map<String, Object> block, ProviderConfig config, List<SettingProblem> out) {
        Rfc2136Settings.problem(out, List.of("tsig", "secretFile"), () -> {
            var raw = config.secretIfInFile(block, "secret", "the TSIG secret");
            return raw.map(TsigKeySpec::checkedSecret).orElse(null);
        });
    }

    private static void knownKeys(Map<String, Object> block) {
        for (String k : block.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("tsig: unknown key '" + k + "' (allowed: name, algorithm, secretFile, secretEnv)");
            }
        }
    }

    private static String name(Map<String, Object> block) {
        Object n = block.get("name");
        if (n == null || n.toString().isBlank()) throw new IllegalArgumentException("tsig: 'name' is missing (the key's name on the server)");
        String name = n.toString().trim();
        try {
            Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("tsig: name '" + Names.printable(name) + "' is not a valid DNS name: " + e.getMessage());
        }
        return name;
    }

    private static String algorithm(Map<String, Object> block) {
        String alg = block.get("algorithm") == null ? DEFAULT_ALGORITHM
                : block.get("algorithm").toString().trim().toLowerCase(Locale.ROOT);
        if (!ALGORITHMS.contains(alg)) {
            throw new IllegalArgumentException("tsig: algorithm '" + Names.printable(alg) + "' is not supported; use hmac-sha256,"
                    + " hmac-sha384 or hmac-sha512 (hmac-md5 only for servers that have nothing else)");
        }
        return alg;
    }

    /** The secret itself out of a BIND key file, and checked to be base64. */
    private static Secret checkedSecret(Secret raw) {
        Secret secret = raw;
        Matcher m = BIND_SECRET.matcher(raw.reveal());
        if (m.find()) secret = Secret.of(m.group(1), raw.origin());
        try {
            byte[] bytes = Base64.getDecoder().decode(secret.reveal().strip());
            if (bytes.length == 0) throw new IllegalArgumentException("empty");
        } catch (IllegalArgumentException e) {
            // Never echo the value: say where it came from.
            throw new IllegalArgumentException("tsig: the secret in " + secret.origin() + " is not base64"
                    + " (expected the secret from tsig-keygen or keymgr, e.g. in a file of its own)");
        }
        return secret;
    }

    /**
     * dnsjava's key. The three-argument constructor with an explicit algorithm: the two-argument one
     * means HMAC-MD5 (DOMAIN.md, library pitfalls).
     */
    TSIG toTsig() {
        try {
            return new TSIG(TSIG.algorithmToName(algorithm), Name.fromString(name, Name.root), secret.reveal().strip());
        } catch (TextParseException e) {
            throw new IllegalStateException("key name checked at parse time: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name + " " + algorithm;
    }
}
