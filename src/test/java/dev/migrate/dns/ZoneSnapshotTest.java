package dev.migrate.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneSnapshotTest {
    static RRset set(String name, String type, String... data) {
        return new RRset(name, type, 300, List.of(data));
    }

    final ZoneSnapshot zone = new ZoneSnapshot("Example.COM", List.of(
            set("example.com.", "SOA", "ns1.example.com. hostmaster.example.com. 7 7200 900 1209600 60"),
            set("www.example.com.", "TYPE65280", "\\# 1 00"),
            set("www.example.com.", "AAAA", "2001:db8:0:0:0:0:0:1"),
            set("www.example.com.", "A", "192.0.2.1"),
            set("www.example.com.", "TXT", "\"x\""),
            set("a.www.example.com.", "A", "192.0.2.2"),
            set("www2.example.com.", "A", "192.0.2.3"),
            set("ww.example.com.", "A6", "0 2001:db8:0:0:0:0:0:1"),
            set("0.example.com.", "A", "192.0.2.4")));

    @Test
    void atNameFindsEveryTypeAtExactlyThatName() {
        assertThat(zone.atName("WWW.example.com")).extracting(RRset::type).containsExactly("A", "AAAA", "TXT", "TYPE65280");
        assertThat(zone.atName("ww.example.com.")).extracting(RRset::type).containsExactly("A6");
        assertThat(zone.atName("0.example.com.")).extracting(RRset::type).containsExactly("A");
        assertThat(zone.atName("example.com.")).extracting(RRset::type).containsExactly("SOA");
        assertThat(zone.atName("nothing.example.com.")).isEmpty();
        assertThat(zone.atName("zzz.")).isEmpty();
    }

    @Test
    void withAppliesChangesAndLeavesTheOriginalAlone() {
        RRset www = zone.get("www.example.com.", "A");
        RRset created = set("new.example.com.", "A", "198.51.100.1");
        ZoneSnapshot after = zone.with(List.of(
                RRsetChange.of("example.com.", www, www.withData(List.of("198.51.100.20"))),
                RRsetChange.of("example.com.", null, created),
                RRsetChange.of("example.com.", zone.get("www2.example.com.", "A"), null)));

        assertThat(after.zone()).isEqualTo("example.com.");
        assertThat(after.get("www.example.com.", "A").rdata()).containsExactly("198.51.100.20");
        assertThat(after.get("new.example.com.", "A")).isEqualTo(created);
        assertThat(after.get("www2.example.com.", "A")).isNull();
        assertThat(after.size()).isEqualTo(zone.size());
        assertThat(after.atName("new.example.com.")).containsExactly(created);
        assertThat(new java.util.ArrayList<>(after.rrsets())).isSortedAccordingTo((x, y) -> x.key().compareTo(y.key()));

        assertThat(zone.get("www.example.com.", "A")).isEqualTo(www);
        assertThat(zone.get("new.example.com.", "A")).isNull();
        assertThat(zone.get("www2.example.com.", "A")).isNotNull();
    }

    @Test
    void soaSerialAndNegativeTtl() {
        assertThat(zone.serial()).isEqualTo(7);
        assertThat(zone.negativeTtl()).isEqualTo(60); // min(SOA TTL 300, MINIMUM 60)
        assertThat(new ZoneSnapshot("example.org.", List.of()).serial()).isEqualTo(-1);
    }

    @Test
    void rrsetsCannotBeChangedThroughTheSnapshot() {
        assertThatThrownBy(() -> zone.rrsets().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void twoRRsetsWithOneKeyAreRefused() {
        assertThatThrownBy(() -> new ZoneSnapshot("example.com.", List.of(set("a.example.com.", "A", "192.0.2.1"),
                set("A.example.com", "a", "192.0.2.2"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two RRsets for a.example.com. A");
    }

    @Test
    void rrsetDataIsSortedAndUnique() {
        assertThat(set("a.example.com.", "A", "192.0.2.2", "192.0.2.1", "192.0.2.2").rdata())
                .containsExactly("192.0.2.1", "192.0.2.2");
        assertThat(set("a.example.com.", "a", "192.0.2.2").type()).isEqualTo("A");
        assertThat(new RRsetKey("A.Example.COM", " aaaa ")).isEqualTo(new RRsetKey("a.example.com.", "AAAA"));
    }
}
