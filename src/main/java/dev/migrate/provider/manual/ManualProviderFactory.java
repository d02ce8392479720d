package dev.migrate.provider.manual;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.support.Sleeper;
import java.util.Set;

/**
 * {@code type: manual}: DNS someone else edits. {@code nameservers} (the authoritative addresses to read and
 * watch; default: the plan's {@code nameservers:}, else looked up through its {@code resolvers:}),
 * {@code timeout} (how long a change may take, default 1h), {@code interval} (default 10s),
 * {@code queryTimeout} (default 2s). No credentials.
 */
public final class ManualProviderFactory implements ProviderFactory {
    @Override
    public String type() {
        return "manual";
    }

    @Override
    public String description() {
        return "DNS edited by someone else (a hosting panel, another team): reads the authoritative servers, says what"
                + " to set, waits until every address serves it";
    }

    @Override
    public Capabilities capabilities() {
        return ManualProvider.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return ManualSettings.KEYS;
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        return new ManualProvider(ManualSettings.from(config), config.operator(), Sleeper.REAL);
    }
}
