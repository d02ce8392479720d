package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import dev.migrate.provider.zonefile.ZoneFiles;
import dev.migrate.testing.Zones;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));
    static final Capabilities CAPS = new ZoneFileProviderFactory().capabilities();

    static final String HEAD = """
            name: planner
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            """;

    static final ZoneSnapshot EXAMPLE = Zones.withSoa("example.com", """
            @     3600  IN A     203.0.113.10
            @     3600  IN TXT   "v=spf1 -all"
            www   3600  IN A     203.0.113.10
            fast  60    IN A     203.0.113.10
            mail  14400 IN A     203.0.113.25
            shop  3600  IN CNAME www
            """);

    static Plan plan(String yaml) throws Exception {
        return LOADER.load(new StringReader(yaml), Path.of("planner.yaml"));
    }

    static Preview preview(String yaml, ZoneSnapshot... zones) throws Exception {
        Map<String, ZoneSnapshot> live = new java.util.LinkedHashMap<>();
        for (ZoneSnapshot z : zones) live.put(z.zone(), z);
        return Planner.preview(plan(yaml), live, CAPS, NOW);
    }

    static List<String> warnings(Preview p) {
        return p.safety().warnings();
    }

    @Nested
    class Warnings {
        @Test
        void driftWhenFromDoesNotMatchLive() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, from: [203.0.113.99], to: [198.51.100.20] }
                    """, EXAMPLE);
            assertThat(warnings(p)).containsExactly("drift: www.example.com. A: plan expects [203.0.113.99] but live is"
                    + " [203.0.113.10] (the swap will refuse until this is resolved)");
            assertThat(p.safety().errors()).isEmpty();
        }

        @Test
        void noDriftWhenFromMatchesInAnyOrder() throws Exception {
            ZoneSnapshot z = Zones.withSoa("example.com", """
                    www 3600 IN A 203.0.113.11
                    www 3600 IN A 203.0.113.10
                    """);
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, from: [203.0.113.10, 203.0.113.11], to: [198.51.100.20] }
                    """, z);
            assertThat(warnings(p)).isEmpty();
        }

        @Test
        void driftWhenFromExpectsARecordThatIsAbsent() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: api, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                    """, EXAMPLE);
            assertThat(warnings(p)).anySatisfy(w -> assertThat(w)
                    .isEqualTo("drift: api.example.com. A: plan expects [203.0.113.10] but live is absent"
                            + " (the swap will refuse until this is resolved)"));
        }

        @Test
        void aNameCreatedAtTheSwapMayBeNegativelyCachedForMinOfSoaTtlAndMinimum() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: api, type: A, to: [198.51.100.30] }
                    """, EXAMPLE);
            // SOA TTL 3600, MINIMUM 300: 300
            assertThat(warnings(p)).singleElement().asString()
                    .startsWith("api.example.com. A is created at the swap")
                    .contains("(NXDOMAIN) for up to 300 s", "min(SOA TTL, SOA MINIMUM)", "create it early");
        }

        @Test
        void negativeCachingUsesTheSoaTtlWhenItIsTheSmaller() throws Exception {
            ZoneSnapshot z = Zones.parse("example.com", """
                    @   120 IN SOA ns1 hostmaster 1 7200 900 1209600 86400
                    @ 86400 IN NS  ns1
                    www 3600 IN A  203.0.113.10
                    """);
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: AAAA, to: ["2001:db8::20"] }
                    """, z);
            // www exists with another type: the negative answer is NODATA; min(120, 86400) = 120
            assertThat(warnings(p)).singleElement().asString()
                    .startsWith("www.example.com. AAAA is created at the swap")
                    .contains("(NODATA) for up to 120 s");
        }

        @Test
        void apexNsChange() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: "@", type: NS, to: [ns1.new-provider.net., ns2.new-provider.net.] }
                    """, EXAMPLE);
            assertThat(warnings(p)).singleElement().asString()
                    .startsWith("example.com. NS: apex NS change")
                    .contains("parent zone's delegation", "172800 s", "keep the old nameservers serving");
        }

        @Test
        void apexNsChangeInASignedZoneWarnsAboutDnssec() throws Exception {
            ZoneSnapshot signed = Zones.withSoa("example.com", """
                    @ 3600 IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
                    """);
            Preview p = preview(HEAD + """
                    changes:
                      - { name: "@", type: NS, to: [ns1.new-provider.net.] }
                    """, signed);
            assertThat(warnings(p)).hasSize(2);
            assertThat(warnings(p).get(1)).contains("is signed (DNSKEY present)", "breaks DNSSEC validation");
        }

        @Test
        void nsChangeBelowTheApexIsNotAnApexNsChange() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: sub, type: NS, to: [ns1.elsewhere.net.] }
                    """, EXAMPLE);
            assertThat(warnings(p)).noneMatch(w -> w.contains("apex NS"));
        }

        @Test
        void lowerTtlAndSwapAtTheSameInstant() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, to: [198.51.100.20] }
                    phases:
                      - { id: lower, at: T, action: lower-ttl }
                      - { id: swap, at: T, action: swap }
                    """, EXAMPLE);
            assertThat(warnings(p)).containsExactly("lower-ttl and swap run at the same instant: never lower a TTL and"
                    + " change the data in the same step (caches still hold the old TTL)");
            assertThat(p.safety().errors()).singleElement().asString().startsWith("unsafe");
        }

        @Test
        void loweredAboveARecordsCurrentTtl() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: fast, type: A, to: [198.51.100.20] }
                    """, EXAMPLE);
            assertThat(warnings(p)).containsExactly("fast.example.com. A: ttl.lowered 300 is above its current TTL 60;"
                    + " its TTL is left as it is (lowering never raises)");
            // and indeed nothing is lowered, and the swap keeps the lower TTL
            assertThat(p.changesByPhase().get("lower-ttl")).isEmpty();
            assertThat(p.changesByPhase().get("swap")).singleElement()
                    .satisfies(c -> assertThat(c.after().ttl()).isEqualTo(60));
        }

        @Test
        void restoreBeforeConfirm() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, to: [198.51.100.20] }
                    phases:
                      - { id: lower-ttl, at: T-72h, action: lower-ttl }
                      - { id: swap, at: T, action: swap }
                      - { id: restore-ttl, at: T+5m, action: restore-ttl }
                      - { id: confirm, at: T+10m, action: confirm }
                    """, EXAMPLE);
            assertThat(warnings(p)).singleElement().asString()
                    .startsWith("restore-ttl (2026-12-01T02:05:00Z) comes before confirm (2026-12-01T02:10:00Z)")
                    .contains("a rollback after restoring the TTLs would take the full TTL");
        }

        @Test
        void restoreAtTheSameInstantAsConfirmButRunFirstIsRestoreBeforeConfirm() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, to: [198.51.100.20] }
                    phases:
                      - { id: lower-ttl, at: T-72h, action: lower-ttl }
                      - { id: swap, at: T, action: swap }
                      - { id: restore-ttl, at: T+5m, action: restore-ttl }
                      - { id: confirm, at: T+5m, action: confirm }
                    """, EXAMPLE);
            // same instant: plan order decides, and restore-ttl runs first
            assertThat(p.timeline().indexOf("restore-ttl")).isLessThan(p.timeline().indexOf("confirm"));
            assertThat(warnings(p)).singleElement().asString()
                    .startsWith("restore-ttl (2026-12-01T02:05:00Z) comes before confirm (2026-12-01T02:05:00Z)");
        }

        @Test
        void confirmListedFirstAtTheSameInstantIsFine() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, to: [198.51.100.20] }
                    phases:
                      - { id: lower-ttl, at: T-72h, action: lower-ttl }
                      - { id: swap, at: T, action: swap }
                      - { id: confirm, at: T+5m, action: confirm }
                      - { id: restore-ttl, at: T+5m, action: restore-ttl }
                    """, EXAMPLE);
            assertThat(warnings(p)).isEmpty();
        }

        @Test
        void theStandardTimelineOnAPlainChangeHasNoWarnings() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                    """, EXAMPLE);
            assertThat(warnings(p)).isEmpty();
            assertThat(p.safety().errors()).isEmpty();
        }
    }

    @Nested
    class Errors {
        @Test
        void dataBesideALiveCname() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: shop, type: TXT, to: ['"hello"'] }
                    """, EXAMPLE);
            assertThat(p.safety().errors()).contains("shop.example.com. TXT: shop.example.com. is a CNAME; other data"
                    + " cannot stand beside it (RFC 1034 §3.6.2)");
        }

        @Test
        void aCnameBesideLiveData() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: CNAME, to: [elsewhere.example.net.] }
                    """, EXAMPLE);
            assertThat(p.safety().errors()).anySatisfy(e -> assertThat(e)
                    .startsWith("www.example.com. CNAME: a CNAME cannot stand beside other data").contains("[A]"));
        }

        @Test
        void aCnameReplacingDataTheSamePlanDeletesIsFine() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, to: [] }
                      - { name: www, type: CNAME, to: [elsewhere.example.net.] }
                    """, EXAMPLE);
            assertThat(p.safety().errors()).isEmpty();
        }

        @Test
        void aChangeAndARewriteOnTheSameRRset() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: mail, type: A, to: [198.51.100.99] }
                    rewrite:
                      - { from: 203.0.113.25, to: 198.51.100.25 }
                    """, EXAMPLE);
            assertThat(p.safety().errors()).anySatisfy(e -> assertThat(e)
                    .startsWith("mail.example.com. A is both in 'changes' and hit by rewrite 203.0.113.25 -> 198.51.100.25"));
        }
    }

    @Nested
    class Rewrites {
        final ZoneSnapshot com = Zones.withSoa("example.com", """
                mail  14400 IN A    203.0.113.25
                smtp  3600  IN A    203.0.113.25
                smtp  3600  IN A    203.0.113.26
                web   3600  IN A    203.0.113.10
                mail  3600  IN AAAA 2001:db8::25
                """);
        final ZoneSnapshot net = Zones.withSoa("example.net", """
                mx    7200 IN A     203.0.113.25
                www   3600 IN A     203.0.113.10
                """);

        @Test
        void rewriteRulesExpandAcrossZones() throws Exception {
            Preview p = preview("""
                    name: planner
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones }
                    zones: [example.com, example.net]
                    ttl: { lowered: 300 }
                    rewrite:
                      - { from: 203.0.113.25, to: 198.51.100.25 }
                      - { from: "2001:db8::25", to: "2001:db8:1::25" }
                    """, com, net);

            assertThat(p.targets()).extracting(t -> t.zone(), t -> t.key().toString(), Target::from, Target::to)
                    .containsExactlyInAnyOrder(
                            tuple("example.com.", "mail.example.com. A", List.of("203.0.113.25"), List.of("198.51.100.25")),
                            tuple("example.com.", "mail.example.com. AAAA", List.of("2001:db8::25"),
                                    List.of("2001:db8:1::25")),
                            // only the matching address of an RRset moves; the other stays
                            tuple("example.com.", "smtp.example.com. A", List.of("203.0.113.25", "203.0.113.26"),
                                    List.of("198.51.100.25", "203.0.113.26")),
                            tuple("example.net.", "mx.example.net. A", List.of("203.0.113.25"), List.of("198.51.100.25")));
            assertThat(p.targets()).allSatisfy(t -> assertThat(t.source()).startsWith("rewrite "));

            List<RRsetChange> swap = p.changesByPhase().get("swap");
            assertThat(swap).extracting(RRsetChange::zone, c -> c.key().toString(), c -> c.after().rdata())
                    .containsExactlyInAnyOrder(
                            tuple("example.com.", "mail.example.com. A", List.of("198.51.100.25")),
                            tuple("example.com.", "mail.example.com. AAAA", List.of("2001:db8:1::25")),
                            tuple("example.com.", "smtp.example.com. A", List.of("198.51.100.25", "203.0.113.26")),
                            tuple("example.net.", "mx.example.net. A", List.of("198.51.100.25")));
            assertThat(p.safety().maxOriginalTtl()).isEqualTo(14400);
            assertThat(p.safety().errors()).isEmpty();
            assertThat(warnings(p)).isEmpty();
        }

        @Test
        void aRewriteThatMatchesNothingIsAWarning() throws Exception {
            Preview p = preview("""
                    name: planner
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones }
                    zones: [example.com, example.net]
                    ttl: { lowered: 300 }
                    rewrite:
                      - { from: 192.0.2.1, to: 198.51.100.1 }
                    """, com, net);
            assertThat(p.targets()).isEmpty();
            assertThat(warnings(p)).singleElement().asString()
                    .startsWith("rewrite 192.0.2.1 -> 198.51.100.1 matches no A record in [example.com., example.net.]");
        }
    }

    @Nested
    class ChangesPerPhase {
        @Test
        void theShippedExample() throws Exception {
            Path dir = Path.of(System.getProperty("migrate.project.dir", "."), "plans");
            Plan plan = LOADER.load(dir.resolve("example.yaml"));
            ZoneSnapshot live = ZoneFiles.read(dir.resolve("zones/example.com.zone"), "example.com.");
            Preview p = Planner.preview(plan, Map.of("example.com.", live), CAPS, NOW);

            assertThat(p.changesByPhase().keySet()).containsExactly("lower-ttl", "swap", "restore-ttl");

            assertThat(p.changesByPhase().get("lower-ttl"))
                    .extracting(c -> c.key().toString(), c -> c.before().ttl(), c -> c.after().ttl(),
                            c -> c.before().rdata(), c -> c.after().rdata())
                    .containsExactlyInAnyOrder(
                            tuple("example.com. A", 3600L, 300L, List.of("203.0.113.10"), List.of("203.0.113.10")),
                            tuple("www.example.com. A", 3600L, 300L, List.of("203.0.113.10"), List.of("203.0.113.10")),
                            tuple("www.example.com. AAAA", 3600L, 300L, List.of("2001:db8:10::10"), List.of("2001:db8:10::10")),
                            tuple("example.com. TXT", 3600L, 300L, List.of("\"v=spf1 ip4:203.0.113.25 -all\""),
                                    List.of("\"v=spf1 ip4:203.0.113.25 -all\"")),
                            tuple("mail.example.com. A", 14400L, 300L, List.of("203.0.113.25"), List.of("203.0.113.25")),
                            tuple("smtp.example.com. A", 14400L, 300L, List.of("203.0.113.25"), List.of("203.0.113.25")),
                            tuple("imap.example.com. A", 14400L, 300L, List.of("203.0.113.25"), List.of("203.0.113.25")));

            assertThat(p.changesByPhase().get("swap"))
                    .extracting(c -> c.key().toString(), c -> c.before().ttl(), c -> c.after().ttl(),
                            c -> c.before().rdata(), c -> c.after().rdata())
                    .containsExactlyInAnyOrder(
                            tuple("example.com. A", 300L, 300L, List.of("203.0.113.10"), List.of("198.51.100.20")),
                            tuple("www.example.com. A", 300L, 300L, List.of("203.0.113.10"), List.of("198.51.100.20")),
                            tuple("www.example.com. AAAA", 300L, 300L, List.of("2001:db8:10::10"), List.of("2001:db8:20::20")),
                            tuple("example.com. TXT", 300L, 300L, List.of("\"v=spf1 ip4:203.0.113.25 -all\""),
                                    List.of("\"v=spf1 ip4:198.51.100.25 -all\"")),
                            tuple("mail.example.com. A", 300L, 300L, List.of("203.0.113.25"), List.of("198.51.100.25")),
                            tuple("smtp.example.com. A", 300L, 300L, List.of("203.0.113.25"), List.of("198.51.100.25")),
                            tuple("imap.example.com. A", 300L, 300L, List.of("203.0.113.25"), List.of("198.51.100.25")));

            assertThat(p.changesByPhase().get("restore-ttl"))
                    .extracting(c -> c.key().toString(), c -> c.before().ttl(), c -> c.after().ttl(), c -> c.after().rdata())
                    .containsExactlyInAnyOrder(
                            tuple("example.com. A", 300L, 3600L, List.of("198.51.100.20")),
                            tuple("www.example.com. A", 300L, 3600L, List.of("198.51.100.20")),
                            tuple("www.example.com. AAAA", 300L, 3600L, List.of("2001:db8:20::20")),
                            tuple("example.com. TXT", 300L, 3600L, List.of("\"v=spf1 ip4:198.51.100.25 -all\"")),
                            tuple("mail.example.com. A", 300L, 14400L, List.of("198.51.100.25")),
                            tuple("smtp.example.com. A", 300L, 14400L, List.of("198.51.100.25")),
                            tuple("imap.example.com. A", 300L, 14400L, List.of("198.51.100.25")));

            SafetyReport s = p.safety();
            assertThat(s.maxOriginalTtl()).isEqualTo(14400);
            assertThat(s.margin()).hasSeconds(1440);
            assertThat(s.earliestSafeSwap()).isEqualTo(Instant.parse("2026-11-28T06:24:00Z"));
            assertThat(s.swap()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
            assertThat(s.errors()).isEmpty();
            // The example moves the mail host (mail.example.com. is its MX target): keep the old one deferring.
            assertThat(s.warnings()).singleElement().asString().startsWith("the mail host moves (mail.example.com. A");
            // the preview touched nothing: the live snapshot is as read
            assertThat(live.get("www.example.com.", "A").ttl()).isEqualTo(3600);
        }

        @Test
        void createsAndDeletesAndAFixedRestoreTtl() throws Exception {
            Preview p = preview("""
                    name: planner
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones }
                    zones: [example.com]
                    ttl: { lowered: 120, restore: 1800 }
                    changes:
                      - { name: api, type: A, to: [198.51.100.30] }
                      - { name: mail, type: A, to: [] }
                      - { name: www, type: A, to: [203.0.113.10] }
                    """, EXAMPLE);
            Map<String, List<RRsetChange>> by = p.changesByPhase();
            // www already holds its new data: lowered, never swapped, restored
            assertThat(by.get("lower-ttl")).extracting(c -> c.key().toString())
                    .containsExactlyInAnyOrder("mail.example.com. A", "www.example.com. A");
            assertThat(by.get("swap")).extracting(c -> c.key().toString(), RRsetChange::kind)
                    .containsExactlyInAnyOrder(
                            tuple("api.example.com. A", RRsetChange.Kind.CREATE),
                            tuple("mail.example.com. A", RRsetChange.Kind.DELETE));
            RRset created = by.get("swap").stream().filter(c -> c.before() == null).findFirst().orElseThrow().after();
            assertThat(created.ttl()).isEqualTo(120);
            assertThat(by.get("restore-ttl")).extracting(c -> c.key().toString(), c -> c.after().ttl())
                    .containsExactlyInAnyOrder(tuple("api.example.com. A", 1800L), tuple("www.example.com. A", 1800L));
        }

        @Test
        void anRRsetCreatedAtTheSwapIsRestoredToTheSoaTtl() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: api, type: A, to: [198.51.100.30] }
                    """, EXAMPLE);
            assertThat(p.changesByPhase().get("restore-ttl")).singleElement()
                    .satisfies(c -> assertThat(c.after().ttl()).isEqualTo(3600));
        }

        @Test
        void verifyAndConfirmChangeNothingAndHaveNoEntry() throws Exception {
            Preview p = preview(HEAD + """
                    changes:
                      - { name: www, type: A, to: [198.51.100.20] }
                    """, EXAMPLE);
            assertThat(p.changesByPhase()).doesNotContainKeys("verify", "confirm");
            assertThat(p.timeline().phases()).hasSize(5);
            assertThat(Set.copyOf(p.targets().stream().map(t -> t.source()).toList())).containsExactly("change");
        }
    }
}
