package dev.migrate.provider.zonefile;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.SettingChecks;
import dev.migrate.provider.SettingError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code type: zonefile}: {@code directory} (relative to the plan), optional {@code reload} and
 * {@code reloadTimeout}, and optional {@code batchSize}: the most RRsets written in one file replacement
 * (default 100000, i.e. one replacement per phase). A smaller value splits a large change into several
 * journaled batches, as a provider with a batch limit would; useful to rehearse such a provider.
 */
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
        return Set.of("directory", "reload", "reloadTimeout", "batchSize");
    }

    @Override
    public List<SettingError> validate(ProviderConfig config) {
        return new SettingChecks()
                .scalars("zonefile", config.settings(), "", "directory", "reload", "reloadTimeout", "batchSize")
                // Whether the directory is there is the provider's state, like a server being up: create()
                // says so at run time (exit 1). Here only that one is named.
                .check("directory", () -> config.require("directory"))
                .check("reloadTimeout", () -> reloadTimeout(config))
                .check("batchSize", () -> batchSize(config))
                .errors();
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        Path dir = directory(config);
        List<String> reload = config.string("reload")
                .map(s -> Arrays.asList(s.trim().split("\\s+"))).orElse(List.of());
        return new ZoneFileProvider(dir, reload, reloadTimeout(config), config.clock(), batchSize(config));
    }

    private static Path directory(ProviderConfig config) throws ProviderException {
        Path dir = config.path("directory");
        if (!Files.isDirectory(dir)) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "zone directory " + dir
                    + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
        return dir;
    }

    private static Duration reloadTimeout(ProviderConfig config) throws ProviderException {
        Duration timeout = config.duration("reloadTimeout").orElse(Duration.ofSeconds(30));
        if (timeout.isZero()) {
            throw new ProviderException(ProviderException.Kind.INVALID, "provider zonefile: 'reloadTimeout' must be"
                    + " longer than 0s");
        }
        return timeout;
    }

    private static int batchSize(ProviderConfig config) throws ProviderException {
        return config.integer("batchSize", 1, Integer.MAX_VALUE, "a whole number of RRsets, at least 1")
                .orElse(ZoneFileProvider.DEFAULT_BATCH);
    }
}
