package dev.migrate.provider.cloudflare;

import dev.migrate.dns.RRset;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.testing.Zones;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A {@link FakeCloudflare} holding one zone's records (as a dashboard user would have typed them), and what a
 * plan needs to reach it: the API token in a file, the provider block naming it.
 */
final class CloudflareLab implements AutoCloseable {
    static final String TOKEN = "cf-test-token-Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQ";

    final FakeCloudflare fake;
    final Path dir;

    private CloudflareLab(FakeCloudflare fake, Path dir) {
        this.fake = fake;
        this.dir = dir;
    }

    /** The zone's records from zone-file text; Cloudflare shows no SOA, so that is left out. */
    static CloudflareLab start(Path dir, String zone, String zoneText) throws Exception {
        FakeCloudflare fake = new FakeCloudflare(zone, TOKEN);
        ZoneSnapshot z = Zones.parse(zone, zoneText);
        for (RRset s : z.rrsets()) {
            if (s.type().equals("SOA")) continue;
            for (String d : s.rdata()) {
                if (s.type().equals("MX")) {
                    MXRecord mx = (MXRecord) Record.fromString(Name.root, Type.MX, DClass.IN, 0, d, Name.root);
                    fake.add(s.name(), "MX", bare(mx.getTarget().toString()), s.ttl(), false, mx.getPriority());
                } else {
                    fake.add(s.name(), s.type(), List.of("CNAME", "NS").contains(s.type()) ? bare(d) : d, s.ttl(), false, null);
                }
            }
        }
        Files.writeString(dir.resolve("cf.token"), TOKEN + "\n");
        return new CloudflareLab(fake, dir);
    }

    String providerBlock() {
        return "type: cloudflare\napiTokenFile: cf.token\nbaseUrl: " + fake.baseUrl() + "\ntimeout: 5s";
    }

    DnsProvider provider() throws ProviderException {
        return new CloudflareProviderFactory().create(new ProviderConfig("cloudflare",
                Map.of("apiTokenFile", "cf.token", "baseUrl", fake.baseUrl(), "timeout", "5s"), dir, System::getenv,
                Clock.systemUTC()));
    }

    /** The records at name/type as an RRset (TTL the lowest; auto is 300 s), normalised; null when none. */
    RRset held(String name, String type) {
        List<FakeCloudflare.Rec> recs = fake.at(name, type);
        if (recs.isEmpty()) return null;
        long ttl = recs.stream().mapToLong(r -> r.ttl() == 1 ? 300 : r.ttl()).min().orElseThrow();
        List<String> data = recs.stream().map(r -> Rdata.normalise(type, switch (type) {
            case "MX" -> r.priority() + " " + r.content() + ".";
            case "CNAME", "NS" -> r.content() + ".";
            default -> r.content();
        }, ".")).toList();
        return RRset.of(name, type, ttl, data);
    }

    private static String bare(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    @Override
    public void close() {
        fake.close();
    }
}
