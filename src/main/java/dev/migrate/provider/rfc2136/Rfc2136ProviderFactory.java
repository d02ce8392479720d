package dev.migrate.provider.rfc2136;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.SettingProblem;
import dev.migrate.support.Sleeper;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: rfc2136}: {@code server} (IP[:port]), {@code tsig} ({@code name}, {@code algorithm},
 * {@code secretFile} or {@code secretEnv}), {@code read} ({@code axfr} or {@code query}), {@code timeout}.
 */
public final class Rfc2136ProviderFactory implements ProviderFactory {
    @Override
    public String type() {
        return "rfc2136";
    }

    @Override
    public String description() {
        return "RFC 2136 dynamic updates with TSIG (BIND, Knot, PowerDNS, ...); reads by AXFR or RD=0 queries";
    }

    @Override
    public Capabilities capabilities() {
        return Rfc2136Provider.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return Rfc2136Settings.KEYS;
    }

    @Override
    public List<SettingProblem> check(Map<String, Object> settings) {
        return Rfc2136Settings.check(settings);
    }

    @Override
    public List<SettingProblem> checkFiles(ProviderConfig config) {
        return Rfc2136Settings.checkFiles(config);
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        return new Rfc2136Provider(Rfc2136Settings.from(config), Sleeper.REAL);
    }
}
