package dev.migrate.provider.zonefile;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.Images;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.support.Paths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Zones kept as master files {@code <directory>/<zone>.zone}, or another name from a pattern such as
 * {@code {zone}.db} or {@code db.{zone}}. Each batch is one atomic file replacement
 * with the SOA serial bumped, optionally followed by a reload command such as {@code rndc reload {zone}}.
 */
public final class ZoneFileProvider implements DnsProvider {
    static final int DEFAULT_BATCH = 100_000;
    /** The file name of a zone when the plan names no pattern. */
    static final String DEFAULT_FILE = "{zone}.zone";
    static final Capabilities CAPABILITIES = capabilities(DEFAULT_BATCH);

    private static Capabilities capabilities(int maxBatch) {
        return new Capabilities(true, true, 0, RRset.MAX_TTL, java.util.Set.of(), true, maxBatch);
    }

    private final Path directory;
    private final String filePattern;
    private final List<String> reload;
    private final Duration reloadTimeout;
    private final Clock clock;
    private final Capabilities capabilities;

    public ZoneFileProvider(Path directory, List<String> reload, Duration reloadTimeout, Clock clock) {
        this(directory, reload, reloadTimeout, clock, DEFAULT_BATCH);
    }

    /**
     * @param batchSize most RRsets per file replacement: a change set larger than this is written (and
     *                  journaled) in several steps, as it would be on a provider with a batch limit
     */
    public ZoneFileProvider(Path directory, List<String> reload, Duration reloadTimeout, Clock clock, int batchSize) {
        this(directory, DEFAULT_FILE, reload, reloadTimeout, clock, batchSize);
    }

    /** @param filePattern a zone's file name in {@code directory}, {@code {zone}} standing for the zone without its final dot */
    public ZoneFileProvider(Path directory, String filePattern, List<String> reload, Duration reloadTimeout, Clock clock,
            int batchSize) {
        this.directory = Objects.requireNonNull(directory);
        this.filePattern = Objects.requireNonNull(filePattern);
        this.reload = List.copyOf(reload);
        this.reloadTimeout = reloadTimeout;
        this.clock = clock;
        this.capabilities = capabilities(batchSize);
    }

    public Path fileFor(String zone) {
        String z = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
        return directory.resolve(filePattern.replace("{zone}", z));
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Without a reload command nothing serves these files, so a change is confirmed by reading them back. */
    @Override
    public Confirmation confirmation() {
        return reload.isEmpty() ? Confirmation.READ_BACK : Confirmation.AUTHORITATIVE_SERVERS;
    }

    @Override
    public String describe() {
        return "zonefile " + directory;
    }

    @Override
    public ZoneSnapshot read(String zone) throws ProviderException {
        Path file = fileFor(zone);
        // dnsjava's Master opens files with FileInputStream, whose FileNotFoundException is no
        // NoSuchFileException: ask first so that a missing zone is NOT_FOUND, not an I/O failure.
        if (Files.notExists(file)) {
            throw new ProviderException(Kind.NOT_FOUND, "zone file " + Paths.show(file) + " does not exist");
        }
        try {
            return ZoneFiles.read(file, zone);
        } catch (NoSuchFileException e) {
            throw new ProviderException(Kind.NOT_FOUND, "zone file " + Paths.show(file) + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new ProviderException(Kind.IO, "cannot read zone file " + Paths.show(file) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
        Path file = fileFor(zone);
        ZoneSnapshot live = read(zone);
        Images.requireBeforeImages(live, batch, "zone file " + file);
        ZoneSnapshot next = withNextSerial(live.with(batch));
        try {
            ZoneFiles.writeAtomically(file, next);
        } catch (IOException e) {
            throw new ProviderException(Kind.IO, "cannot write zone file " + Paths.show(file) + ": " + e.getMessage(), e);
        }
        runReload(zone);
    }

    private ZoneSnapshot withNextSerial(ZoneSnapshot z) {
        RRset soa = z.soa();
        String[] f = soa.rdata().get(0).split("\\s+");
        f[2] = Long.toString(SoaSerial.next(Long.parseLong(f[2]), clock.instant()));
        RRset bumped = soa.withData(List.of(String.join(" ", f)));
        return z.with(List.of(RRsetChange.of(z.zone(), soa, bumped)));
    }

    private void runReload(String zone) throws ProviderException {
        if (reload.isEmpty()) return;
        String bare = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
        List<String> cmd = reload.stream().map(s -> s.replace("{zone}", bare)).toList();
        try {
            Path log = Files.createTempFile("migrate-reload", ".log");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(reloadTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new ProviderException(Kind.TIMEOUT, "reload command " + cmd.get(0)
                            + " did not finish within " + reloadTimeout.toSeconds() + " s; the zone file is written");
                }
                if (p.exitValue() != 0) {
                    String out = Files.readString(log).strip();
                    throw new ProviderException(Kind.IO, "reload command " + String.join(" ", cmd) + " exited "
                            + p.exitValue() + (out.isEmpty() ? "" : ": " + out) + "; the zone file is written");
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new ProviderException(Kind.IO, "cannot run reload command " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.IO, "interrupted while reloading", e);
        }
    }
}
