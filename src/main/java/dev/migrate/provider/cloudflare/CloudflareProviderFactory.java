package dev.migrate.provider.cloudflare;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.support.Sleeper;
import java.time.Duration;
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
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        var base = HttpProviders.baseUrl("cloudflare", "baseUrl",
                config.string("baseUrl").orElse(CloudflareProvider.DEFAULT_BASE_URL));
        int batchSize = CloudflareProvider.DEFAULT_BATCH_SIZE;
        if (config.string("batchSize").isPresent()) {
            String s = config.string("batchSize").get().trim();
            try {
                batchSize = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                batchSize = 0;
            }
            if (batchSize < 1 || batchSize > 3500) {
                throw new ProviderException(ProviderException.Kind.INVALID, "provider cloudflare: 'batchSize' is '" + s
                        + "', expected 1..3500 (200 on the Free plan, 3,500 on Pro and above)");
            }
        }
        Duration timeout = config.duration("timeout").orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ProviderException(ProviderException.Kind.INVALID, "provider cloudflare: 'timeout' must be positive");
        }
        var token = config.secret("apiToken", "provider cloudflare API token");
        return new CloudflareProvider(base, token, batchSize, timeout, Sleeper.REAL, config.clock());
    }
}
