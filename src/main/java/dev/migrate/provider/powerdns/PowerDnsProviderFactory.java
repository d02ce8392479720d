package dev.migrate.provider.powerdns;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.SettingChecks;
import dev.migrate.provider.SettingError;
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.support.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * {@code type: powerdns}: {@code url} (the API's web server, e.g. http://127.0.0.1:8081), {@code server}
 * (default localhost), {@code apiKeyEnv} or {@code apiKeyFile}, {@code notify} (ask the server to NOTIFY
 * secondaries after each change; default false) and {@code timeout} (per request, default 30s).
 */
public final class PowerDnsProviderFactory implements ProviderFactory {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String type() {
        return "powerdns";
    }

    @Override
    public String description() {
        return "PowerDNS Authoritative HTTP API: one PATCH per batch (one transaction), before-images compared first";
    }

    @Override
    public Capabilities capabilities() {
        return PowerDnsProvider.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return Set.of("url", "server", "apiKeyEnv", "apiKeyFile", "notify", "timeout");
    }

    static final String API_KEY = "provider powerdns: the PowerDNS API key";

    @Override
    public List<SettingError> validate(ProviderConfig config) {
        Map<String, Object> s = config.settings();
        return new SettingChecks()
                .scalars("powerdns", s, "", "url", "server", "apiKeyEnv", "apiKeyFile", "notify", "timeout")
                .check("url", () -> url(config))
                .check("server", () -> server(config))
                .check("notify", () -> notify(config))
                .check("timeout", () -> timeout(config))
                .check(ProviderConfig.secretKey(s, "apiKey"), () -> config.secretIfInFile(s, "apiKey", API_KEY))
                .errors();
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        var url = url(config);
        String server = server(config);
        boolean notify = notify(config);
        Duration timeout = timeout(config);
        var key = config.secret("apiKey", API_KEY);
        return new PowerDnsProvider(url, server, key, notify, timeout, Sleeper.REAL);
    }

    private static HttpUrl url(ProviderConfig config) throws ProviderException {
        return HttpProviders.baseUrl("powerdns", "url", config.require("url"));
    }

    /** The server id in the API's paths: a word, never something that would change the path. */
    private static String server(ProviderConfig config) throws ProviderException {
        String server = config.string("server").map(String::trim).filter(x -> !x.isEmpty()).orElse("localhost");
        if (!server.matches("[A-Za-z0-9._-]+")) {
            throw new ProviderException(ProviderException.Kind.INVALID, "provider powerdns: 'server' is '"
                    + dev.migrate.dns.Names.printable(server) + "', expected the API's server id (letters, digits,"
                    + " '.', '_' and '-'; usually localhost)");
        }
        return server;
    }

    private static boolean notify(ProviderConfig config) throws ProviderException {
        return config.string("notify").isPresent() && HttpProviders.bool("powerdns", "notify", config.string("notify").get());
    }

    private static Duration timeout(ProviderConfig config) throws ProviderException {
        Duration timeout = config.duration("timeout").orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ProviderException(ProviderException.Kind.INVALID, "provider powerdns: 'timeout' must be positive");
        }
        return timeout;
    }
}
