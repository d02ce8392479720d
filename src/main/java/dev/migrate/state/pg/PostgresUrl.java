package dev.migrate.state.pg;

import dev.migrate.secret.Redactor;
import dev.migrate.support.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A shared state database as the operator writes it:
 * {@code postgresql://HOST[:PORT]/DATABASE?user=NAME[&passwordFile=FILE][&takeoverAfter=30s][&sslmode=...]}.
 * A password is never part of it (it would end up in plans, shell history and process lists): it comes from
 * {@code passwordFile}, {@code PGPASSWORD} or {@code ~/.pgpass}. {@link #toString()} is safe to print.
 *
 * @param takeoverAfter how long a holder that stopped answering (host gone, network cut, process frozen)
 *     keeps the lock: the server closes its session after this much silence and another host may go on
 */
public record PostgresUrl(String host, int port, String database, String user, Path passwordFile,
        Duration takeoverAfter, String sslmode, String sslrootcert) {

    public static final int DEFAULT_PORT = 5432;
    public static final Duration DEFAULT_TAKEOVER = Duration.ofSeconds(30);
    static final Duration MIN_TAKEOVER = Duration.ofSeconds(2);
    static final Duration MAX_TAKEOVER = Duration.ofHours(1);
    static final Set<String> PARAMETERS = Set.of("user", "passwordFile", "takeoverAfter", "sslmode", "sslrootcert");
    private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public static boolean looksLikeOne(String text) {
        String t = text.trim();
        return t.startsWith("postgresql:") || t.startsWith("postgres:");
    }

    /**
     * Reads a URL; relative {@code passwordFile} and {@code sslrootcert} paths are taken against
     * {@code relativeTo}. The exception's message never repeats the text (it could hold a password).
     */
    public static PostgresUrl parse(String text, Path relativeTo) {
        URI u;
        try {
            u = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a PostgreSQL URL (" + e.getReason()
                    + "); expected postgresql://HOST[:PORT]/DATABASE?user=NAME");
        }
        String userInfo = u.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            // Hide it from every later message before saying anything.
            Redactor.global().register(decode(userInfo.substring(userInfo.indexOf(':') + 1)));
            throw new IllegalArgumentException("a password is never written in the state URL: give it in a file"
                    + " (passwordFile=FILE), in PGPASSWORD or in ~/.pgpass");
        }
        if (!"postgresql".equals(u.getScheme()) && !"postgres".equals(u.getScheme()) || u.isOpaque()) {
            throw new IllegalArgumentException("expected postgresql://HOST[:PORT]/DATABASE?user=NAME");
        }
        String host = u.getHost();
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the state URL names no host; expected postgresql://HOST[:PORT]/DATABASE?user=NAME");
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        String path = u.getPath() == null ? "" : u.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("the state URL names no database; expected postgresql://HOST[:PORT]/DATABASE?user=NAME");
        }
        Map<String, String> params = parameters(u.getRawQuery());
        String user = userInfo != null ? decode(userInfo) : params.get("user");
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("the state URL names no user; add ?user=NAME");
        }
        Path passwordFile = params.containsKey("passwordFile") ? relativeTo.resolve(params.get("passwordFile")).normalize() : null;
        Duration takeover = DEFAULT_TAKEOVER;
        if (params.containsKey("takeoverAfter")) {
            try {
                takeover = Durations.parse(params.get("takeoverAfter"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("takeoverAfter: " + e.getMessage());
            }
            if (takeover.compareTo(MIN_TAKEOVER) < 0 || takeover.compareTo(MAX_TAKEOVER) > 0) {
                throw new IllegalArgumentException("takeoverAfter must be between " + Durations.human(MIN_TAKEOVER) + " and "
                        + Durations.human(MAX_TAKEOVER) + ", found " + Durations.human(takeover));
            }
        }
        String sslmode = params.get("sslmode");
        if (sslmode != null && !SSL_MODES.contains(sslmode)) {
            throw new IllegalArgumentException("sslmode '" + sslmode + "' is not one of " + SSL_MODES);
        }
        Path root = params.containsKey("sslrootcert") ? relativeTo.resolve(params.get("sslrootcert")).normalize() : null;
        return new PostgresUrl(host, port, database, user, passwordFile, takeover, sslmode,
                root == null ? null : root.toString());
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (key.equalsIgnoreCase("password")) {
                Redactor.global().register(value);
                throw new IllegalArgumentException("a password is never written in the state URL: give it in a file"
                        + " (passwordFile=FILE), in PGPASSWORD or in ~/.pgpass");
            }
            if (!PARAMETERS.contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "' in the state URL, expected one of "
                        + PARAMETERS.stream().sorted().toList());
            }
            if (out.put(key, value) != null) throw new IllegalArgumentException("parameter '" + key + "' is given twice");
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** {@code jdbc:postgresql://host:port/db}: the driver's form (parameters go in properties). */
    String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    /** {@code postgresql://user@host:port/db}: no parameters, never a password. */
    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "postgresql://" + user + "@" + h + ":" + port + "/" + database;
    }
}
