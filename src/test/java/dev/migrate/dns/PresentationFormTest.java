package dev.migrate.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.provider.zonefile.ZoneFiles;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;

/** Record data reads the same (RFC 5952 for AAAA) from a plan, a zone file, the wire and an old journal. */
class PresentationFormTest {

    @Test
    void ipv6IsWrittenAsRfc5952Says() throws Exception {
        assertThat(ipv6("2001:db8:0:0:0:0:0:10")).isEqualTo("2001:db8::10");
        assertThat(ipv6("2001:0DB8:0001:0000:0000:0000:0000:0010")).isEqualTo("2001:db8:1::10"); // §4.1, §4.3
        assertThat(ipv6("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1"); // §4.2.2: one zero group stays
        assertThat(ipv6("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1"); // §4.2.3: the longest run
        assertThat(ipv6("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1"); // §4.2.3: the first of equal runs
        assertThat(ipv6("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(ipv6("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(ipv6("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
        assertThat(ipv6("::ffff:c000:0201")).isEqualTo("::ffff:192.0.2.1"); // §5: IPv4-mapped in mixed notation
        assertThat(Addresses.canonicalIpv6("not an address")).isEqualTo("not an address");
        assertThat(Addresses.text(InetAddress.getByName("192.0.2.1"))).isEqualTo("192.0.2.1");
    }

    private static String ipv6(String text) {
        return Addresses.ipv6(org.xbill.DNS.Address.toByteArray(text, org.xbill.DNS.Address.IPv6));
    }

    @Test
    void planZoneFileAndWireGiveTheSameText(@TempDir Path dir) throws Exception {
        String fromPlan = Rdata.normalise("AAAA", "2001:DB8:1:0::10", "example.com.");
        Path file = dir.resolve("example.com.zone");
        Files.writeString(file, """
                $ORIGIN example.com.
                $TTL 3600
                @    IN SOA ns1 hostmaster 1 7200 900 1209600 300
                @    IN NS  ns1
                ns1  IN A   192.0.2.53
                www  IN AAAA 2001:db8:1:0:0:0:0:10
                """);
        String fromZoneFile = ZoneFiles.read(file, "example.com.").get("www.example.com.", "AAAA").rdata().get(0);
        String fromWire = Rdata.text(new AAAARecord(Name.fromString("www.example.com."), DClass.IN, 300,
                InetAddress.getByName("2001:db8:1::10")));

        assertThat(List.of(fromPlan, fromZoneFile, fromWire)).containsOnly("2001:db8:1::10");
    }

    @Test
    void anRRsetWrittenInTheLongFormEqualsTheShortForm() {
        RRset old = new RRset("www.example.com.", "AAAA", 300, List.of("2001:db8:1:0:0:0:0:10", "2001:db8:2:0:0:0:0:10"));
        RRset now = new RRset("www.example.com.", "AAAA", 300, List.of("2001:db8:2::10", "2001:db8:1::10"));
        assertThat(old).isEqualTo(now);
        assertThat(old.rdata()).containsExactly("2001:db8:1::10", "2001:db8:2::10");
        // other types are left exactly as written
        assertThat(new RRset("x.example.com.", "TXT", 300, List.of("\"0:0:0:0:0:0:0:1\"")).rdata())
                .containsExactly("\"0:0:0:0:0:0:0:1\"");
    }

    @Test
    void aJournalWrittenByAnOlderVersionComparesEqualAfterReading(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        // the line an older version wrote for a swap of www AAAA: dnsjava's uncompressed form
        Files.writeString(state.resolve("journal.jsonl"), "{\"seq\":1,\"at\":\"2026-12-01T02:00:00Z\",\"event\":\"intent\","
                + "\"phase\":\"swap\",\"batch\":\"b1\",\"zone\":\"example.com.\",\"changes\":[{\"name\":\"www.example.com.\","
                + "\"type\":\"AAAA\",\"before\":{\"ttl\":300,\"rdata\":[\"2001:db8:10:0:0:0:0:10\"]},"
                + "\"after\":{\"ttl\":300,\"rdata\":[\"2001:db8:20:0:0:0:0:20\"]}}]}\n");

        Event e = Journal.eventsIn(state).get(0);
        RRsetChange c = e.changes().get(0);
        assertThat(c.before()).isEqualTo(new RRset("www.example.com.", "AAAA", 300,
                List.of(Rdata.normalise("AAAA", "2001:db8:10::10", "example.com."))));
        assertThat(c.after().rdata()).containsExactly("2001:db8:20::20");
    }
}
