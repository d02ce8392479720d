package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Names;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.SettingChecks;
import dev.migrate.provider.SettingProblem;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
     * The block's values, each problem on its key, for {@link Rfc2136ProviderFactory#check}: the same pieces
     * {@link #from} runs, reporting every problem rather than the first. Reads no file.
     */
    static List<SettingProblem> check(Map<String, Object> settings) {
        ProviderConfig values = new ProviderConfig("rfc2136", settings, Path.of("."), name -> null, Clock.systemUTC());
        List<SettingProblem> out = new ArrayList<>();
        SettingChecks.required(settings, "server", "the primary's address, e.g. 192.0.2.53 or 127.0.0.1:5301", out);
        if (settings.get("server") != null) problem(out, List.of("server"), () -> server(values));
        problem(out, List.of("read"), () -> read(values));
        problem(out, List.of("timeout"), () -> timeout(values));
        if (settings.containsKey("tsig")) {
            if (settings.get("tsig") instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> block = (Map<String, Object>) m;
                TsigKeySpec.check(block, out);
            } else {
                out.add(SettingProblem.at("tsig", "must be a block with name, algorithm and secretFile or secretEnv"));
            }
        }
        return out;
    }

    /** The TSIG secret file, read and checked as {@link #from} reads it, for {@link Rfc2136ProviderFactory#checkFiles}. */
    static List<SettingProblem> checkFiles(ProviderConfig config) {
        List<SettingProblem> out = new ArrayList<>();
        if (config.settings().get("tsig") instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> block = (Map<String, Object>) m;
            TsigKeySpec.checkFile(block, config, out);
        }
        return out;
    }

    /** One piece of {@link #from}, its failure a problem on {@code path} (without the "provider rfc2136: " the location makes plain). */
    static void problem(List<SettingProblem> out, List<String> path, Step step) {
        try {
            step.run();
        } catch (ProviderException | IllegalArgumentException e) {
            out.add(new SettingProblem(path, e.getMessage().replaceFirst("^provider rfc2136: (tsig: )?", "")));
        }
    }

    interface Step {
        Object run() throws ProviderException;
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
