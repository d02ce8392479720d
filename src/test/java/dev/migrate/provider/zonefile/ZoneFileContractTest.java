package dev.migrate.provider.zonefile;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The adapter contract on master files. Nothing serves them (no reload command), so the cutover is
 * confirmed by reading the files back; "from outside" is the file read as a name server would load it.
 */
class ZoneFileContractTest extends ProviderContract {
    @Override
    protected World start(Path dir) throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path file = zones.resolve("example.test.zone");
        Files.writeString(file, ZONE_TEXT);
        return new World() {
            @Override
            public String providerBlock() {
                return "type: zonefile\ndirectory: zones";
            }

            @Override
            public String confirmation() {
                return "";
            }

            @Override
            public DnsProvider provider() throws Exception {
                return new ZoneFileProviderFactory().create(new ProviderConfig("zonefile", Map.of("directory", "zones"),
                        dir, System::getenv, Clock.systemUTC()));
            }

            @Override
            public RRset served(String name, String type) throws Exception {
                return ZoneFiles.read(file, ZONE).get(name, type);
            }

            @Override
            public void foreignChange(String name, String type, long ttl, String... data) throws Exception {
                // An operator editing the file: the other records stay as they are.
                ZoneSnapshot z = ZoneFiles.read(file, ZONE);
                RRset next = RRset.of(name, type, ttl, Rdata.normaliseAll(type, List.of(data), ZONE));
                ZoneFiles.writeAtomically(file, z.with(List.of(new RRsetChange(ZONE, next.key(), z.get(next.key()), next))));
            }

            @Override
            public void close() {}
        };
    }
}
