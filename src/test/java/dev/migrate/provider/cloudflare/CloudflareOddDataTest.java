package dev.migrate.provider.cloudflare;

import static dev.migrate.provider.cloudflare.CloudflareReplay.TOKEN;
import static dev.migrate.provider.cloudflare.CloudflareReplay.ok;
import static dev.migrate.provider.cloudflare.CloudflareReplay.page;
import static dev.migrate.provider.cloudflare.CloudflareReplay.record;
import static dev.migrate.provider.cloudflare.CloudflareReplay.zones;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.zonefile.ZoneFiles;
import dev.migrate.secret.Secret;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Cloudflare keeps TXT content as the text it was given: beyond ASCII, with control characters, with
 * quotes. Read through the adapter, it becomes the same octets in presentation form, encoded once, and a
 * zone file written from it (as a rehearsal does) reads back as the same records.
 */
class CloudflareOddDataTest {
    static List<String> octets(String rdata) throws Exception {
        TXTRecord r = (TXTRecord) Record.fromString(Name.root, Type.TXT, DClass.IN, 0, rdata, Name.root);
        return r.getStringsAsByteArrays().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void oddTxtContentIsReadAsItsOctetsAndRoundTripsThroughAZoneFile(@TempDir Path dir) throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
            server.enqueue(ok(zones("example.com")));
            server.enqueue(ok(page(List.of(
                    record("t1", "cafe.example.com", "TXT", "Café au lait", 300),
                    record("t2", "nl.example.com", "TXT", "line one\nline two\ttabbed", 300),
                    record("t3", "q.example.com", "TXT", "say \"hi\" \\ bye; (x)", 300),
                    record("t4", "emoji.example.com", "TXT", "\"🙂 quoted\"", 300)), 1, 1, 4)));
            ZoneSnapshot z;
            try (CloudflareProvider p = new CloudflareProvider(server.url("/client/v4"), Secret.of(TOKEN, "test"), 200,
                    Duration.ofSeconds(5), d -> { }, Clock.systemUTC())) {
                z = p.read("example.com.");
            }
            assertThat(z.get("cafe.example.com.", "TXT").rdata()).containsExactly("\"Caf\\195\\169 au lait\"");
            assertThat(octets(z.get("cafe.example.com.", "TXT").rdata().get(0))).containsExactly("Café au lait");
            assertThat(octets(z.get("nl.example.com.", "TXT").rdata().get(0))).containsExactly("line one\nline two\ttabbed");
            assertThat(octets(z.get("q.example.com.", "TXT").rdata().get(0))).containsExactly("say \"hi\" \\ bye; (x)");
            assertThat(octets(z.get("emoji.example.com.", "TXT").rdata().get(0))).containsExactly("🙂 quoted");

            // Cloudflare shows no SOA; a rehearsal's zone file has one.
            ZoneSnapshot zone = z.with(List.of(RRsetChange.of("example.com.", null, new RRset("example.com.", "SOA", 3600,
                    List.of("ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300")))));
            StringWriter w = new StringWriter();
            ZoneFiles.write(w, zone);
            Path f = dir.resolve("example.com.zone");
            Files.writeString(f, w.toString());
            ZoneSnapshot back = ZoneFiles.read(f, "example.com.");
            assertThat(back.rrsets()).containsExactlyElementsOf(zone.rrsets());
        }
    }
}
