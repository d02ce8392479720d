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
    void snapshotsMadeByWithAgreeWithTheZoneRebuiltFromScratchAtEveryStep() {
        // A model (a plain sorted map rebuilt each step) against chains of with(): creations, deletions,
        // re-creations of deleted RRsets, changes of changed ones, across the point where the changes
        // are folded into a new shared map. Fixed seed: the same sequence every run.
        java.util.Random random = new java.util.Random(20261122);
        java.util.TreeMap<RRsetKey, RRset> model = new java.util.TreeMap<>();
        for (int i = 0; i < 300; i++) {
            RRset s = set("h" + i + ".example.com.", i % 3 == 0 ? "AAAA" : "A", i % 3 == 0 ? "2001:db8:0:0:0:0:0:1" : "192.0.2.1");
            model.put(s.key(), s);
        }
        ZoneSnapshot snap = new ZoneSnapshot("example.com.", model.values());
        List<ZoneSnapshot> earlier = new java.util.ArrayList<>();
        List<List<RRset>> earlierContents = new java.util.ArrayList<>();
        for (int step = 0; step < 60; step++) {
            List<RRsetChange> changes = new java.util.ArrayList<>();
            java.util.Set<RRsetKey> touched = new java.util.HashSet<>();
            int count = 1 + random.nextInt(step % 10 == 9 ? 150 : 12);
            for (int c = 0; c < count; c++) {
                String name = "h" + random.nextInt(400) + ".example.com.";
                String type = random.nextBoolean() ? "A" : "TXT";
                RRsetKey k = new RRsetKey(name, type);
                if (!touched.add(k)) continue;
                RRset before = model.get(k);
                RRset after = random.nextInt(3) == 0 ? null
                        : set(name, type, type.equals("A") ? "198.51.100." + random.nextInt(250) : "\"" + step + "\"");
                if (before == null && after == null) continue;
                changes.add(new RRsetChange("example.com.", k, before, after));
                if (after == null) model.remove(k);
                else model.put(k, after);
            }
            earlier.add(snap);
            earlierContents.add(List.copyOf(snap.rrsets()));
            snap = snap.with(changes);
            assertThat(List.copyOf(snap.rrsets())).isEqualTo(List.copyOf(model.values()));
            assertThat(snap.size()).isEqualTo(model.size());
            for (int i = 0; i < 400; i++) {
                String name = "h" + i + ".example.com.";
                assertThat(snap.atName(name)).isEqualTo(model.values().stream().filter(r -> r.name().equals(name)).toList());
                for (String type : List.of("A", "AAAA", "TXT")) {
                    assertThat(snap.get(name, type)).isEqualTo(model.get(new RRsetKey(name, type)));
                }
            }
        }
        // Every earlier snapshot is still exactly what it was.
        for (int i = 0; i < earlier.size(); i++) {
            assertThat(List.copyOf(earlier.get(i).rrsets())).isEqualTo(earlierContents.get(i));
            assertThat(earlier.get(i).size()).isEqualTo(earlierContents.get(i).size());
        }
    }

    @Test
    void aDeletedRRsetLosesItsNoteAndAChangedOneKeepsIt() {
        RRset a = set("a.example.com.", "A", "192.0.2.1");
        RRset b = set("b.example.com.", "A", "192.0.2.2");
        ZoneSnapshot z = new ZoneSnapshot("example.com.", List.of(a, b),
                java.util.Map.of(a.key(), new RRsetNote(true, false, "fixed"), b.key(), new RRsetNote(true, false, "fixed")));
        ZoneSnapshot after = z.with(List.of(RRsetChange.of("example.com.", a, a.withTtl(60)), RRsetChange.of("example.com.", b, null)));
        assertThat(after.ttlFixed(a.key())).isTrue();
        assertThat(after.note(b.key())).isNull();
        assertThat(z.note(b.key())).isNotNull();
        assertThat(after.rrsets()).containsExactly(a.withTtl(60));
        assertThatThrownBy(() -> after.rrsets().clear()).isInstanceOf(UnsupportedOperationException.class);
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
