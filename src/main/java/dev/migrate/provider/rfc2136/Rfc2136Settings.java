package dev.migrate.provider.rfc2136;

import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.net.InetSocketAddress;
import java.time.Duration;
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
        InetSocketAddress server;
        try {
            server = ServerAddress.parse(config.require("server"));
        } catch (IllegalArgumentException e) {
            throw new ProviderException(Kind.INVALID, "provider rfc2136: server " + e.getMessage());
        }
        TsigKeySpec tsig = null;
        if (config.settings().containsKey("tsig")) {
            Map<String, Object> block = config.map("tsig").orElseThrow(() -> new ProviderException(Kind.INVALID,
                    "provider rfc2136: 'tsig' must be a block with name, algorithm and secretFile or secretEnv"));
            tsig = TsigKeySpec.parse(block, config);
        }
        String r = config.string("read").orElse("axfr").trim().toLowerCase(Locale.ROOT);
        ReadMode read = switch (r) {
            case "axfr" -> ReadMode.AXFR;
            case "query" -> ReadMode.QUERY;
            default -> throw new ProviderException(Kind.INVALID,
                    "provider rfc2136: read '" + r + "' is not one of axfr, query");
        };
        Duration timeout = config.duration("timeout").orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new ProviderException(Kind.INVALID, "provider rfc2136: timeout must be between 1s and 5m");
        }
        return new Rfc2136Settings(server, tsig, read, timeout);
    }
}
