package dev.migrate.provider.powerdns;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.SettingChecks;
import dev.migrate.provider.SettingProblem;
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.support.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    @Override
    public List<SettingProblem> check(Map<String, Object> settings) {
        List<SettingProblem> out = new ArrayList<>();
        SettingChecks.required(settings, "url", "the API web server, e.g. http://127.0.0.1:8081", out);
        SettingChecks.url("powerdns", settings, "url", out);
        SettingChecks.bool("powerdns", settings, "notify", out);
        SettingChecks.positiveDuration(settings, "timeout", out);
        SettingChecks.secretSource(settings, "apiKey", out);
        return out;
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        SettingChecks.requireNone("powerdns", check(config.settings()));
        var url = HttpProviders.baseUrl("powerdns", "url", config.require("url"));
        String server = config.string("server").map(String::trim).filter(s -> !s.isEmpty()).orElse("localhost");
        boolean notify = config.string("notify").isPresent()
                && HttpProviders.bool("powerdns", "notify", config.string("notify").get());
        Duration timeout = config.duration("timeout").orElse(DEFAULT_TIMEOUT);
        var key = config.secret("apiKey", "provider powerdns API key");
        return new PowerDnsProvider(url, server, key, notify, timeout, Sleeper.REAL);
    }
}
