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

    /**
     * The shared credentials file the plan names, read now: a wrong path, a profile it does not hold or a
     * profile with neither keys nor credential_process is a plan error (exit 2) at once, as a missing
     * secret file is for the other adapters. The credential_process is not run here (loading a plan runs
     * nothing); {@link #create} runs it. A file named only by AWS_SHARED_CREDENTIALS_FILE is checked by
     * {@link #create}: variables are not known when a plan loads.
     */
    @Override
    public List<SettingProblem> checkFiles(ProviderConfig config) {
        try {
            Route53Settings s = Route53Settings.parse(config.settings());
            if (s.credentialsFile().isEmpty()) return List.of();
            CredentialSource.checkProfile(CredentialSource.credentialsFile(s, config.baseDir(), name -> null),
                    s.profile().orElse("default"));
            return List.of();
        } catch (ProviderException e) {
            return List.of(SettingProblem.at("credentialsFile", e.getMessage()));
        }
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
