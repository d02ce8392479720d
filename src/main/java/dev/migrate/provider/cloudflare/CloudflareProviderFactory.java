package dev.migrate.provider.cloudflare;

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

    static final String API_TOKEN = "provider cloudflare: the Cloudflare API token";

    @Override
    public List<SettingError> validate(ProviderConfig config) {
        Map<String, Object> s = config.settings();
        return new SettingChecks()
                .scalars("cloudflare", s, "", "apiTokenEnv", "apiTokenFile", "batchSize", "timeout", "baseUrl")
                .check("baseUrl", () -> baseUrl(config))
                .check("batchSize", () -> batchSize(config))
                .check("timeout", () -> timeout(config))
                .check(ProviderConfig.secretKey(s, "apiToken"), () -> config.secretIfInFile(s, "apiToken", API_TOKEN))
                .errors();
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        var base = baseUrl(config);
        int batchSize = batchSize(config);
        Duration timeout = timeout(config);
        var token = config.secret("apiToken", API_TOKEN);
        return new CloudflareProvider(base, token, batchSize, timeout, Sleeper.REAL, config.clock());
    }

    private static HttpUrl baseUrl(ProviderConfig config) throws ProviderException {
        return HttpProviders.baseUrl("cloudflare", "baseUrl", config.string("baseUrl").orElse(CloudflareProvider.DEFAULT_BASE_URL));
    }

    private static int batchSize(ProviderConfig config) throws ProviderException {
        return config.integer("batchSize", 1, 3500, "1..3500 (200 on the Free plan, 3,500 on Pro and above)")
                .orElse(CloudflareProvider.DEFAULT_BATCH_SIZE);
    }

    private static Duration timeout(ProviderConfig config) throws ProviderException {
        Duration timeout = config.duration("timeout").orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ProviderException(ProviderException.Kind.INVALID, "provider cloudflare: 'timeout' must be positive");
        }
        return timeout;
    }
}
