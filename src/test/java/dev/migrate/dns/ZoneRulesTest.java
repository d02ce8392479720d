package dev.migrate.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.ZoneRules.Rule;
import dev.migrate.dns.ZoneRules.Violation;
import dev.migrate.lab.LabBinaries;
import dev.migrate.lab.LabTest;
import dev.migrate.provider.zonefile.ZoneFiles;
import dev.migrate.testing.Zones;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zone-level rules a batch must not break, each case judged twice: by {@link ZoneRules} and by BIND's
 * {@code named-checkzone -k fail} (BIND's own defaults for a primary zone) on the zone as the batch leaves it,
 * written by our writer. Where BIND refuses a zone, ZoneRules must too; where ZoneRules is stricter than BIND
 * (data below a DNAME, RFC 6672 §2.4) the case says so.
 */
@LabTest
class ZoneRulesTest {
    static final String Z = "example.com.";

    /** The zone every case starts from. */
    static final ZoneSnapshot LIVE = Zones.withSoa("example.com", """
            www   3600 IN A     203.0.113.10
            shop  3600 IN CNAME www
            d     3600 IN DNAME example.net.
            deep.below 3600 IN TXT "x"
            sub   3600 IN NS    ns1.example.net.
            """);

    static RRset set(String name, String type, String... data) {
        String n = name.equals("@") ? Z : name.endsWith(".") ? name : name + "." + Z;
        return new RRset(n, type, 300, List.of(data));
    }

    static RRsetChange put(String name, String type, String... data) {
        RRset after = set(name, type, data);
        return RRsetChange.of(Z, LIVE.get(after.key()), after);
    }

    static RRsetChange delete(String name, String type) {
        RRset now = LIVE.get(set(name, type, "x").key().name(), type);
        assertThat(now).as("%s %s in the live zone", name, type).isNotNull();
        return new RRsetChange(Z, now.key(), now, null);
    }

    /** One case: a batch, the rules it breaks, and whether BIND refuses the zone it leaves. */
    record Case(String what, List<RRsetChange> batch, Set<Rule> broken, boolean bindRefuses) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Case refused(String what, Rule rule, RRsetChange... batch) {
        return new Case(what, List.of(batch), Set.of(rule), true);
    }

    static Case stricterThanBind(String what, Rule rule, RRsetChange... batch) {
        return new Case(what, List.of(batch), Set.of(rule), false);
    }

    static Case fine(String what, RRsetChange... batch) {
        return new Case(what, List.of(batch), Set.of(), false);
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(refused("CNAME beside an A", Rule.CNAME_BESIDE_DATA, put("www", "CNAME", "elsewhere.example.net.")));
        out.add(refused("CNAME at the apex", Rule.CNAME_AT_APEX, put("@", "CNAME", "elsewhere.example.net.")));
        out.add(refused("two CNAME records", Rule.SINGLETON, put("new", "CNAME", "a.example.net.", "b.example.net.")));
        out.add(refused("two DNAME records", Rule.SINGLETON, put("dn", "DNAME", "a.example.net.", "b.example.net.")));
        out.add(refused("a CNAME beside a DNAME", Rule.CNAME_BESIDE_DATA, put("d", "CNAME", "x.example.net.")));
        for (String[] t : List.of(new String[] {"A", "198.51.100.1"}, new String[] {"AAAA", "2001:db8:0:0:0:0:0:1"},
                new String[] {"MX", "10 mail.example.net."}, new String[] {"TXT", "\"hello\""},
                new String[] {"NS", "ns1.example.net."}, new String[] {"SRV", "0 0 443 www.example.com."},
                new String[] {"CAA", "0 issue \"ca.example.net\""}, new String[] {"HINFO", "\"a\" \"b\""},
                new String[] {"DS", "12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE5F0B5D4D8C3F1F8B2D1E4A6C"},
                new String[] {"DNAME", "example.org."})) {
            out.add(refused(t[0] + " beside a CNAME", Rule.DATA_BESIDE_CNAME, put("shop", t[0], t[1])));
        }
        out.add(refused("an SOA away from the apex", Rule.SOA,
                put("www", "SOA", "ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300")));
        out.add(refused("the apex SOA deleted", Rule.SOA, delete("@", "SOA")));
        out.add(refused("the apex NS deleted", Rule.APEX_NS, delete("@", "NS")));
        out.add(refused("an apex NS inside the zone without an address", Rule.NS_TARGET,
                put("@", "NS", "ns1.example.com.", "ns3.example.com.")));
        out.add(refused("the address of an apex name server deleted", Rule.NS_TARGET, delete("ns1", "A")));
        out.add(refused("an apex NS that is a CNAME", Rule.NS_TARGET, put("@", "NS", "ns1.example.com.", "shop.example.com.")));
        for (String owner : List.of("_x", "a\\032b", "-a", "a-", "0/26", "a\\.b", "a\\;b", "x_y.www")) {
            out.add(refused("an A at " + owner, Rule.HOST_NAME, put(owner, "A", "198.51.100.9")));
        }
        out.add(refused("an AAAA at _v6", Rule.HOST_NAME, put("_v6", "AAAA", "2001:db8:0:0:0:0:0:9")));
        out.add(refused("an MX at _m", Rule.HOST_NAME, put("_m", "MX", "10 mail.example.net.")));
        out.add(refused("an MX to _m", Rule.HOST_NAME, put("@", "MX", "10 _m.example.net.")));
        out.add(refused("an NS to _n", Rule.HOST_NAME, put("sub2", "NS", "_n.example.net.")));
        out.add(refused("an SRV to _x", Rule.HOST_NAME, put("_s._tcp", "SRV", "0 0 1 _x.example.net.")));
        out.add(stricterThanBind("data below a DNAME", Rule.BELOW_DNAME, put("a.d", "A", "198.51.100.3")));
        out.add(stricterThanBind("a DNAME above data", Rule.BELOW_DNAME, put("below", "DNAME", "example.org.")));

        out.add(fine("a plain A change", put("www", "A", "198.51.100.20")));
        out.add(fine("a CNAME replacing the A in the same batch", delete("www", "A"), put("www", "CNAME", "x.example.net.")));
        out.add(fine("a CNAME moved elsewhere", put("shop", "CNAME", "elsewhere.example.net.")));
        out.add(fine("an NSEC beside a CNAME", put("shop", "NSEC", "www.example.com. CNAME RRSIG NSEC")));
        out.add(fine("a wildcard A", put("*", "A", "198.51.100.4")));
        out.add(fine("a wildcard below", put("*.w", "A", "198.51.100.4")));
        out.add(fine("a null MX (RFC 7505)", put("@", "MX", "0 .")));
        out.add(fine("an SRV with no service", put("_s._tcp", "SRV", "0 0 0 .")));
        out.add(fine("a TXT at _dmarc", put("_dmarc", "TXT", "\"v=DMARC1; p=none\"")));
        out.add(fine("a CNAME at _x", put("_acme-challenge", "CNAME", "x.example.net.")));
        out.add(fine("a TXT at an escaped name", put("a\\032b", "TXT", "\"odd\"")));
        out.add(fine("a delegation without glue (BIND only warns)", put("sub3", "NS", "ns.sub3.example.com.")));
        out.add(fine("a new apex NS with its address in the batch", put("ns3", "A", "192.0.2.3"),
                put("@", "NS", "ns1.example.com.", "ns3.example.com.")));
        out.add(fine("deleting an A nobody names", delete("www", "A")));
        out.add(fine("the apex DNAME-free A", put("@", "A", "198.51.100.30")));
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void zoneRulesFindWhatTheBatchBreaks(Case c) {
        List<Violation> found = ZoneRules.check(LIVE, c.batch());
        assertThat(found).extracting(Violation::rule).as("%s: %s", c, found).containsOnlyElementsOf(c.broken());
        assertThat(found.stream().map(Violation::rule).collect(Collectors.toSet())).isEqualTo(c.broken());
        for (Violation v : found) {
            assertThat(v.zone()).isEqualTo(Z);
            assertThat(c.batch()).extracting(RRsetChange::key).contains(v.key());
            assertThat(v.toString()).startsWith(v.key() + ": ").contains("RFC");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void bindAgreesWithTheRules(Case c, @TempDir Path dir) throws Exception {
        LabBinaries.require("named-checkzone");
        Path f = dir.resolve("example.com.zone");
        StringWriter w = new StringWriter();
        ZoneFiles.write(w, LIVE.with(c.batch()));
        Files.writeString(f, w.toString());
        Process p = new ProcessBuilder(LabBinaries.require("named-checkzone").toString(), "-k", "fail", "example.com", f.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue() != 0).as("named-checkzone on %s said:%n%s%n%s", c, said, w).isEqualTo(c.bindRefuses());
    }

    @Test
    void oldOdditiesElsewhereDoNotBlockAChange() {
        ZoneSnapshot broken = Zones.withSoa("example.com", """
                www   3600 IN A     203.0.113.10
                old   3600 IN CNAME www
                old   3600 IN TXT   "left over"
                _bad  3600 IN A     203.0.113.11
                """);
        RRset now = broken.get("www.example.com.", "A");
        assertThat(ZoneRules.check(broken, List.of(RRsetChange.of(Z, now, now.withData(List.of("198.51.100.20"))))))
                .isEmpty();
    }

    @Test
    void aChangeOutsideItsZoneOrForAnotherZoneIsCaught() {
        RRset elsewhere = new RRset("www.example.org.", "A", 300, List.of("198.51.100.1"));
        assertThat(ZoneRules.check(LIVE, List.of(RRsetChange.of(Z, null, elsewhere))))
                .extracting(Violation::rule).containsExactly(Rule.OUTSIDE_ZONE);
        assertThatThrownBy(() -> ZoneRules.check(LIVE, List.of(RRsetChange.of("example.org.", null, elsewhere))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyRuleIsExercised() {
        Set<Rule> seen = cases().flatMap(c -> c.broken().stream()).collect(Collectors.toSet());
        seen.add(Rule.OUTSIDE_ZONE);
        assertThat(seen).containsExactlyInAnyOrder(Rule.values());
        assertThat(Arrays.stream(Rule.values())).hasSize(10);
    }
}
