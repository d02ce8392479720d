package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Names;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.SettingChecks;
import dev.migrate.provider.SettingError;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code provider:} block of {@code type: rfc2136}, checked.
 *
 * @param server  the primary's address (never a host name)
 * @param tsig    the key, or null to send unsigned (servers that allow updates by address only)
 * @param read    how zones are read
 * @param timeout bound on each request; a zone transfer as a whole gets {@link #transferTimeout()}
 */
record Rfc2136Settings(InetSocketAddress server, TsigKeySpec tsig, ReadMode read, Duration timeout) {
    static final Set<String> KEYS = Set.of("server", "tsig", "read", "timeout");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    enum ReadMode {
        /** The whole zone by AXFR over TCP (RFC 5936). */
        AXFR,
        /** RD=0 queries for SOA, apex NS and the RRsets asked about, for servers that refuse AXFR. */
        QUERY
    }

    /**
     * A transfer is one TCP exchange carrying the whole zone, and dnsjava's timeout bounds it as a whole:
     * give it room for large zones (dnsjava's own default would be 900 s, DOMAIN.md).
     */
    Duration transferTimeout() {
        return timeout.multipliedBy(6);
    }

    static Rfc2136Settings from(ProviderConfig config) throws ProviderException {
        return new Rfc2136Settings(server(config), tsig(config), read(config), timeout(config));
    }

    /**
     * Every problem in the block, each on its key, for {@link Rfc2136ProviderFactory#validate}: the same
     * pieces {@link #from} runs. A secret in an environment variable is not looked at (not known at load).
     */
    static List<SettingError> problems(ProviderConfig config) {
        SettingChecks checks = new SettingChecks()
                .scalars("rfc2136", config.settings(), "", "server", "read", "timeout")
                .check("server", () -> server(config))
                .check("read", () -> read(config))
                .check("timeout", () -> timeout(config));
        if (config.settings().containsKey("tsig")) {
            Object block = config.settings().get("tsig");
            if (block instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> tsig = (Map<String, Object>) m;
                TsigKeySpec.problems(tsig, config, checks);
            } else {
                checks.check("tsig", () -> tsig(config));
            }
        }
        return checks.errors();
    }

    private static InetSocketAddress server(ProviderConfig config) throws ProviderException {
        try {
            return ServerAddress.parse(config.require("server"));
        } catch (IllegalArgumentException e) {
            throw new ProviderException(Kind.INVALID, "provider rfc2136: server " + e.getMessage());
        }
    }

    private static TsigKeySpec tsig(ProviderConfig config) throws ProviderException {
        if (!config.settings().containsKey("tsig")) return null;
        Map<String, Object> block = config.map("tsig").orElseThrow(() -> new ProviderException(Kind.INVALID,
                "provider rfc2136: 'tsig' must be a block with name, algorithm and secretFile or secretEnv"));
        return TsigKeySpec.parse(block, config);
    }

    private static ReadMode read(ProviderConfig config) throws ProviderException {
        String r = config.string("read").orElse("axfr").trim().toLowerCase(Locale.ROOT);
        return switch (r) {
            case "axfr" -> ReadMode.AXFR;
            case "query" -> ReadMode.QUERY;
            default -> throw new ProviderException(Kind.INVALID,
                    "provider rfc2136: read '" + Names.printable(r) + "' is not one of axfr, query");
        };
    }

    private static Duration timeout(ProviderConfig config) throws ProviderException {
        Duration timeout = config.duration("timeout").orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new ProviderException(Kind.INVALID, "provider rfc2136: timeout must be between 1s and 5m");
        }
        return timeout;
    }
}
