package dev.migrate.provider.zonefile;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.SettingChecks;
import dev.migrate.provider.SettingProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: zonefile}: {@code directory} (relative to the plan), optional {@code file} (the file name
 * pattern, default {@code {zone}.zone}; e.g. {@code {zone}.db} or {@code db.{zone}}), optional {@code reload} and
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
        return "BIND-format master files <directory>/<zone>.zone (or a file pattern), written atomically, SOA serial bumped";
    }

    @Override
    public Capabilities capabilities() {
        return ZoneFileProvider.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return Set.of("directory", "file", "reload", "reloadTimeout", "batchSize");
    }

    @Override
    public List<SettingProblem> check(Map<String, Object> settings) {
        List<SettingProblem> out = new ArrayList<>();
        SettingChecks.required(settings, "directory", "the directory of <zone>.zone files, relative to the plan", out);
        SettingChecks.wholeNumber(settings, "batchSize", 1, Integer.MAX_VALUE, "a whole number of RRsets, at least 1", out);
        SettingChecks.positiveDuration(settings, "reloadTimeout", out);
        return out;
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        SettingChecks.requireNone("zonefile", check(config.settings()));
        Path dir = config.path("directory");
        if (!Files.isDirectory(dir)) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "zone directory " + dev.migrate.support.Paths.show(dir) + " does not exist");
        }
        List<String> reload = config.string("reload")
                .map(s -> Arrays.asList(s.trim().split("\\s+"))).orElse(List.of());
        Duration timeout = config.duration("reloadTimeout").orElse(Duration.ofSeconds(30));
        int batchSize = ZoneFileProvider.DEFAULT_BATCH;
        if (config.string("batchSize").isPresent()) {
            String b = config.string("batchSize").get().trim();
            try {
                batchSize = Integer.parseInt(b);
            } catch (NumberFormatException e) {
                batchSize = 0;
            }
            if (batchSize < 1) {
                throw new ProviderException(ProviderException.Kind.INVALID,
                        "provider zonefile: 'batchSize' is '" + b + "', expected a whole number of RRsets, at least 1");
            }
        }
        return new ZoneFileProvider(dir, filePattern(config), reload, timeout, config.clock(), batchSize);
    }

    /**
     * {@code file:} names each zone's file inside the directory; {@code {zone}} is the zone without its final
     * dot. It stays inside the directory: no absolute path, no {@code ..}.
     */
    static String filePattern(ProviderConfig config) throws ProviderException {
        String f = config.string("file").map(String::trim).orElse(ZoneFileProvider.DEFAULT_FILE);
        String why = null;
        if (!f.contains("{zone}")) why = "it does not contain {zone}";
        else if (f.startsWith("/") || Arrays.asList(f.split("/")).contains("..")) why = "it leaves the directory";
        else if (f.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) why = "it contains a control character";
        if (why != null) {
            throw new ProviderException(ProviderException.Kind.INVALID, "provider zonefile: 'file' is '" + f
                    + "': " + why + "; expected a file name pattern inside the directory such as {zone}.zone, {zone}.db or db.{zone}");
        }
        return f;
    }
}
