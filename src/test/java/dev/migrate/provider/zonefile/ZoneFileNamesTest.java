package dev.migrate.provider.zonefile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zonefile provider's file-name patterns, and what the top of a file it writes keeps. */
class ZoneFileNamesTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T02:00:00Z"), ZoneOffset.UTC);
    static final String ZONE = """
            ; shop.test as served today
            $ORIGIN shop.test.
            $TTL 1h
            @     IN SOA ns1 hostmaster 2026010101 7200 900 1209600 300
            @     IN NS  ns1
            ns1   IN A   192.0.2.53
            www   IN A   203.0.113.10
            """;

    static DnsProvider provider(Path dir, String file) throws ProviderException {
        Map<String, Object> settings = file == null ? Map.of("directory", ".") : Map.of("directory", ".", "file", file);
        return new ZoneFileProviderFactory().create(new ProviderConfig("zonefile", settings, dir, k -> null, CLOCK));
    }

    @Test
    void aFilePatternNamesEachZonesFile(@TempDir Path dir) throws Exception {
        for (String pattern : List.of("{zone}.db", "db.{zone}", "{zone}", "zones/{zone}/zone")) {
            Path f = dir.resolve(pattern.replace("{zone}", "shop.test"));
            Files.createDirectories(f.getParent());
            Files.writeString(f, ZONE);
            try (DnsProvider p = provider(dir, pattern)) {
                assertThat(p.read("shop.test.").get("www.shop.test.", "A").rdata()).as(pattern).containsExactly("203.0.113.10");
            }
            Files.delete(f);
        }
    }

    @Test
    void aPatternWithoutZoneOrOutsideTheDirectoryIsRefused(@TempDir Path dir) {
        for (String bad : List.of("zone.db", "../{zone}.db", "/etc/{zone}", "{zone}\n.db")) {
            try {
                provider(dir, bad);
                throw new AssertionError("accepted " + bad);
            } catch (ProviderException e) {
                assertThat(e.getMessage()).as(bad).contains("provider zonefile: 'file' is '").contains("such as {zone}.zone");
            }
        }
    }

    @Test
    void aWrittenFileKeepsOriginAndTtlAtTheTop(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("db.shop.test");
        Files.writeString(f, ZONE);
        try (DnsProvider p = provider(dir, "db.{zone}")) {
            ZoneSnapshot z = p.read("shop.test.");
            RRset www = z.get("www.shop.test.", "A");
            p.apply("shop.test.", List.of(RRsetChange.of("shop.test.", www, www.withData(List.of("198.51.100.10")))));
        }
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.get(0)).startsWith("; written by migrate");
        assertThat(lines.subList(1, 3)).containsExactly("$ORIGIN shop.test.", "$TTL 1h");
        assertThat(String.join("\n", lines)).contains("www.shop.test.\t3600\tIN\tA\t198.51.100.10");
    }

    @Test
    void aFileWithoutTtlDirectiveGetsNone(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("shop.test.zone");
        Files.writeString(f, ZONE.replace("$TTL 1h\n", "").replace(" IN ", " 3600 IN "));
        try (DnsProvider p = provider(dir, null)) {
            RRset www = p.read("shop.test.").get("www.shop.test.", "A");
            p.apply("shop.test.", List.of(RRsetChange.of("shop.test.", www, www.withTtl(300))));
        }
        assertThat(Files.readString(f)).contains("$ORIGIN shop.test.").doesNotContain("$TTL");
    }
}
