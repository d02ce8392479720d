package dev.migrate.provider.route53;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.SettingProblem;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code type: route53}: {@code hostedZones} (zone to hosted zone id; zones not listed are looked up by
 * name), {@code profile} and {@code credentialsFile} (a profile of a shared credentials file, with keys or
 * {@code credential_process}; without them the AWS_* environment variables), {@code endpoint} (default
 * https://route53.amazonaws.com; plain http only to loopback), {@code region} (signing region, default from
 * the endpoint), {@code timeout} (per request, default 30s), {@code syncTimeout} (how long a change may stay
 * PENDING, default 10m). See {@link Route53Settings}.
 */
public final class Route53ProviderFactory implements ProviderFactory {
    @Override
    public String type() {
        return "route53";
    }

    @Override
    public String description() {
        return "Amazon Route 53 (SigV4): DELETE of the before-image + CREATE per request, all or nothing; waits for INSYNC";
    }

    @Override
    public Capabilities capabilities() {
        return Route53Provider.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return Route53Settings.KEYS;
    }

    @Override
    public List<SettingProblem> check(Map<String, Object> settings) {
        return Route53Settings.check(settings);
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        Route53Settings s = Route53Settings.parse(config.settings());
        // Real time for credentials and signatures: AWS checks both against its own clock, whatever --now says.
        Clock real = Clock.systemUTC();
        CredentialSource credentials = CredentialSource.from(s, config.baseDir(), config.environment(), s.timeout(), real);
        Route53Api api = new Route53Api(s.endpoint(), s.region(), credentials, s.timeout(), TokenBucket.PROCESS,
                Sleeper.REAL, System::nanoTime, () -> ThreadLocalRandom.current().nextDouble(), real,
                Route53Api.Backoff.DEFAULT);
        return new Route53Provider(api, s.hostedZones(), Route53Provider.Sync.of(s.syncTimeout()), Sleeper.REAL,
                System::nanoTime);
    }
}
