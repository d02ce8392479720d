package dev.migrate.provider.zonefile;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** {@code type: zonefile}: {@code directory} (relative to the plan), optional {@code reload} and {@code reloadTimeout}. */
public final class ZoneFileProviderFactory implements ProviderFactory {
    @Override
    public String type() {
        return "zonefile";
    }

    @Override
    public String description() {
        return "BIND-format master files <directory>/<zone>.zone, written atomically, SOA serial bumped";
    }

    @Override
    public Capabilities capabilities() {
        return ZoneFileProvider.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return Set.of("directory", "reload", "reloadTimeout");
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        Path dir = config.path("directory");
        if (!Files.isDirectory(dir)) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "zone directory " + dir + " does not exist");
        }
        List<String> reload = config.string("reload")
                .map(s -> Arrays.asList(s.trim().split("\\s+"))).orElse(List.of());
        Duration timeout = config.duration("reloadTimeout").orElse(Duration.ofSeconds(30));
        return new ZoneFileProvider(dir, reload, timeout, config.clock());
    }
}
