package dev.migrate.provider.cloudflare;

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
 * {@code type: cloudflare}: {@code apiTokenEnv} or {@code apiTokenFile} (an API token with Zone Read and
 * DNS Edit), {@code batchSize} (records per batch request, default 200, the Free plan's limit),
 * {@code timeout} (per request, default 30s) and {@code baseUrl} (default https://api.cloudflare.com/client/v4;
 * for tests and API gateways).
 */
public final class CloudflareProviderFactory implements ProviderFactory {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String type() {
        return "cloudflare";
    }

    @Override
    public String description() {
        return "Cloudflare API v4 (token): batch endpoint, one transaction per batch; proxied records keep auto TTL";
    }

    @Override
    public Capabilities capabilities() {
        return CloudflareProvider.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return Set.of("apiTokenEnv", "apiTokenFile", "batchSize", "timeout", "baseUrl");
    }

    @Override
    public List<SettingProblem> check(Map<String, Object> settings) {
        List<SettingProblem> out = new ArrayList<>();
        SettingChecks.url("cloudflare", settings, "baseUrl", out);
        SettingChecks.wholeNumber(settings, "batchSize", 1, 3500, "1..3500 (200 on the Free plan, 3,500 on Pro and above)", out);
        SettingChecks.positiveDuration(settings, "timeout", out);
        SettingChecks.secretSource(settings, "apiToken", out);
        return out;
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        SettingChecks.requireNone("cloudflare", check(config.settings()));
        var base = HttpProviders.baseUrl("cloudflare", "baseUrl",
                config.string("baseUrl").orElse(CloudflareProvider.DEFAULT_BASE_URL));
        int batchSize = config.string("batchSize").map(s -> Integer.parseInt(s.trim()))
                .orElse(CloudflareProvider.DEFAULT_BATCH_SIZE);
        Duration timeout = config.duration("timeout").orElse(DEFAULT_TIMEOUT);
        var token = config.secret("apiToken", "provider cloudflare API token");
        return new CloudflareProvider(base, token, batchSize, timeout, Sleeper.REAL, config.clock());
    }
}
