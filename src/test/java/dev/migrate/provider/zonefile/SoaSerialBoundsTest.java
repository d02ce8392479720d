package dev.migrate.provider.zonefile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Serial;

/**
 * A zone file's next SOA serial is always a 32-bit serial later than the last in RFC 1982 terms, whatever
 * the serial and whatever the clock says: a clock in year 9999 made a "date-style" serial of 9999123100,
 * which is no serial, and the write crashed.
 */
class SoaSerialBoundsTest {
    static final long MAX = 0xFFFF_FFFFL;

    static List<Long> serials() {
        List<Long> out = new ArrayList<>(List.of(0L, 1L, 2L, 99L, 2147483646L, 2147483647L, 2147483648L, 3000000000L,
                4294967294L, MAX, 1990010100L, 1999123199L, 2026112200L, 2026112299L, 2100123199L, 4294123199L,
                4294967200L));
        Random r = new Random(17);
        for (int i = 0; i < 40; i++) out.add(r.nextLong(MAX + 1));
        return out;
    }

    static List<Instant> instants() {
        return List.of(Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("2026-11-22T10:00:00Z"),
                Instant.parse("2100-12-31T23:59:59Z"), Instant.parse("4294-12-31T23:59:59Z"),
                Instant.parse("4295-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-01-01T00:00:00Z"), Instant.MAX, Instant.MIN,
                Instant.EPOCH.minusSeconds(1));
    }

    static Stream<Object[]> pairs() {
        List<Object[]> out = new ArrayList<>();
        for (long s : serials()) for (Instant t : instants()) out.add(new Object[] {s, t});
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} at {1}")
    @MethodSource("pairs")
    void theNextSerialIsA32BitSerialLaterThanTheLast(long serial, Instant now) {
        long next = SoaSerial.next(serial, now);
        assertThat(next).isBetween(0L, MAX);
        assertThat(Serial.compare(next, serial)).as("RFC 1982: %s after %s", next, serial).isPositive();
    }

    @Test
    void aZoneWrittenWithAClockInYear9999GetsTheNextSerial(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("example.test.zone"), """
                $ORIGIN example.test.
                $TTL 3600
                @ IN SOA ns1 hostmaster 2026112201 7200 900 1209600 300
                @ IN NS ns1
                ns1 IN A 127.0.0.1
                www IN A 203.0.113.10
                """);
        Clock future = Clock.fixed(Instant.parse("9999-12-31T12:00:00Z"), ZoneOffset.UTC);
        ZoneFileProvider p = new ZoneFileProvider(dir, List.of(), Duration.ofSeconds(5), future);
        RRset www = p.read("example.test.").get("www.example.test.", "A");
        p.apply("example.test.", List.of(RRsetChange.of("example.test.", www, www.withTtl(300))));
        assertThat(p.read("example.test.").serial()).isEqualTo(2026112202L);
    }
}
