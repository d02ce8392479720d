package dev.migrate.provider.route53;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link FakeRoute53} holding one hosted zone, and what an operator's plan needs to reach it: a shared
 * credentials file with a profile, and the provider block naming both.
 */
final class Route53Lab implements AutoCloseable {
    static final String ZONE_ID = "Z0EXAMPLETEST1";
    static final String PROFILE = "migrate";
    /** A secret key that looks like one; it must never show in output, errors or the journal. */
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bFakeRoute53SecretKEY";

    final FakeRoute53 fake;
    final FakeRoute53.Zone zone;
    final Path dir;
    final Path credentials;

    private Route53Lab(FakeRoute53 fake, FakeRoute53.Zone zone, Path dir, Path credentials) {
        this.fake = fake;
        this.zone = zone;
        this.dir = dir;
        this.credentials = credentials;
    }

    /**
     * The zone's RRsets from zone-file text (its SOA and apex NS are Route 53's own), stored the way the
     * console stores what people type: names and targets without the final dot.
     */
    static Route53Lab start(Path dir, String zoneName, String zoneText) throws Exception {
        FakeRoute53 fake = new FakeRoute53();
        FakeRoute53.Zone z = fake.zone(ZONE_ID, zoneName, false);
        ZoneSnapshot snap = Zones.parse(zoneName, zoneText);
        for (RRset s : snap.rrsets()) {
            boolean apex = s.name().equals(snap.zone());
            if (apex && (s.type().equals("SOA") || s.type().equals("NS"))) continue;
            List<String> values = new ArrayList<>();
            for (String d : s.rdata()) values.add(Set.of("CNAME", "MX", "NS", "SRV", "PTR").contains(s.type()) && d.endsWith(".")
                    ? d.substring(0, d.length() - 1) : d);
            fake.put(z, new FakeRoute53.RecordSet(s.name().substring(0, s.name().length() - 1), s.type(), null, s.ttl(),
                    values, null, null));
        }
        Path credentials = dir.resolve("aws-credentials");
        Files.writeString(credentials, """
                # written by the test, as `aws configure` would
                [default]
                aws_access_key_id = AKIDSOMEONEELSE
                aws_secret_access_key = not-this-one-at-all

                [%s]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                region = us-east-1
                """.formatted(PROFILE, fake.accessKeyId, SECRET));
        return new Route53Lab(fake, z, dir, credentials);
    }

    /** The plan's provider block (unindented). */
    String providerBlock() {
        return "type: route53\nendpoint: " + endpoint() + "\ncredentialsFile: aws-credentials\nprofile: " + PROFILE
                + "\ntimeout: 5s";
    }

    String endpoint() {
        String u = fake.endpoint().toString();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", endpoint());
        m.put("credentialsFile", "aws-credentials");
        m.put("profile", PROFILE);
        m.put("timeout", "5s");
        return m;
    }

    /** The adapter as the CLI makes it (the process's token bucket, real pauses). */
    DnsProvider provider() throws ProviderException {
        return new Route53ProviderFactory().create(new ProviderConfig("route53", settings(), dir, System::getenv,
                Clock.systemUTC()));
    }

    /** What the fake holds for name/type, normalised as the program normalises plan data; null when none. */
    RRset held(String name, String type) {
        FakeRoute53.RecordSet s = fake.get(ZONE_ID, name, type);
        if (s == null) return null;
        return RRset.of(name, type, s.ttl(), s.values().stream().map(v -> Rdata.normalise(type, v, ".")).toList());
    }

    @Override
    public void close() {
        fake.close();
    }
}
