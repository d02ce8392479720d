package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.lab.DelegationLab;
import dev.migrate.lab.Ports;
import dev.migrate.plan.Propagation;
import dev.migrate.support.Sleeper;
import dev.migrate.testing.Zones;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider move's probes against real servers: the whole-zone comparison on the new provider (PowerDNS),
 * the delegation at the parent (BIND, changed by nsupdate as a registrar would), and the parent found
 * through a real resolver (Unbound from the lab root).
 */
class MoveProbesLabTest {
    static final String ZONE = "shop.test.";
    // A zone cut inside the zone (sub) with in-zone glue, several types, an RRset of two records.
    static final String OLD = """
            www 300 IN A 192.0.2.10
            www 300 IN AAAA 2001:db8::10
            @ 300 IN MX 10 mail.shop.test.
            mail 600 IN A 192.0.2.25
            multi 300 IN A 192.0.2.1
            multi 300 IN A 192.0.2.2
            txt 300 IN TXT "hello lab"
            sub 300 IN NS ns.sub.shop.test.
            ns.sub 300 IN A 192.0.2.53
            """;
    // The copy as it stands half done: txt missing, www A different, mail at another TTL.
    static final String NEW_PARTIAL = """
            www 300 IN A 198.51.100.1
            www 300 IN AAAA 2001:db8::10
            @ 300 IN MX 10 mail.shop.test.
            mail 300 IN A 192.0.2.25
            multi 300 IN A 192.0.2.1
            multi 300 IN A 192.0.2.2
            sub 300 IN NS ns.sub.shop.test.
            ns.sub 300 IN A 192.0.2.53
            """;

    static DelegationLab lab;

    @BeforeAll
    static void up() {
        lab = DelegationLab.builder().records(OLD).newRecords(NEW_PARTIAL).parentNsTtl(30).start();
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    static AuthoritativeProbe.Settings fast() {
        return new AuthoritativeProbe.Settings(false, Duration.ofMillis(200), Duration.ofMillis(800), 2, 2, 64, 0.2);
    }

    /** What the new servers must serve: the old zone's RRsets with the apex NS set to the new nameservers. */
    static List<RRset> expected() {
        List<RRset> out = new ArrayList<>(Zones.parse(ZONE, "@ 300 IN SOA ns1.old-dns.test. h.shop.test. 1 3600 600 86400 60\n"
                + OLD).rrsets());
        out.removeIf(s -> s.type().equals("SOA"));
        out.add(RRset.of(ZONE, "NS", 60, lab.newNameservers()));
        return out;
    }

    static NameServer at(String name, String hostPort) {
        InetSocketAddress a = NameserverDiscovery.literal(hostPort, 53);
        return new NameServer(ZONE, name, a);
    }

    @Test
    void theComparisonNamesEachDifferenceByRRsetAndAddressUntilTheNewServersServeTheOldZoneExactly() throws Exception {
        NameServer direct = at("ns1.new-dns.test.", lab.newServerAddress());
        // The same server through the address the zones publish (port 53): two addresses, one server.
        NameServer published = at("ns2.new-dns.test.", lab.addressOf("ns2.new-dns.test.").getHostAddress());
        NameServer silent = at("ns3.new-dns.test.", "127.0.0.1:" + Ports.free());
        // The parent answers for shop.test. with a referral: not authoritative.
        NameServer parent = at("ns.nic.test.", lab.parentAddress());
        ZoneComparison cmp = new ZoneComparison(ZONE, List.of(direct, published, silent, parent), fast(),
                Clock.systemUTC(), Sleeper.REAL);

        ZoneComparison.Sweep s = cmp.compareOnce(expected());
        assertThat(s.compared()).isEqualTo(expected().size());
        assertThat(s.occluded()).isEmpty();
        for (NameServer ns : List.of(direct, published)) {
            assertThat(s.addresses()).filteredOn(a -> a.server().equals(ns)).singleElement()
                    .satisfies(a -> assertThat(a.differences()).extracting(d -> d.key() + " " + d.kind())
                            .containsExactlyInAnyOrder("txt.shop.test. TXT missing", "www.shop.test. A different data",
                                    "mail.shop.test. A different TTL"));
        }
        assertThat(s.addresses().get(2).differences()).singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(Difference.Kind.UNREACHABLE))
                .satisfies(d -> assertThat(d.wholeAddress()).isTrue());
        assertThat(s.addresses().get(3).differences()).singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(Difference.Kind.NOT_AUTHORITATIVE));
        assertThat(s.differences()).extracting(Difference::describe)
                .contains("ns1.new-dns.test. " + lab.newServerAddress()
                        + " www.shop.test. A: different data: serves 198.51.100.1 TTL 300; expected 192.0.2.10 TTL 300");

        // The operator finishes the copy at the new provider; the comparison then sees both addresses identical.
        patch("txt.shop.test.", "TXT", 300, "\\\"hello lab\\\"");
        patch("www.shop.test.", "A", 300, "192.0.2.10");
        patch("mail.shop.test.", "A", 600, "192.0.2.25");
        ZoneComparison good = new ZoneComparison(ZONE, List.of(direct, published), fast(), Clock.systemUTC(), Sleeper.REAL);
        Instant before = Instant.now();
        ZoneComparison.Outcome o = good.await(expected(), Instant.now().plusSeconds(10), PropagationCheck.Listener.NONE);
        assertThat(o.identical()).as(o.summary()).isTrue();
        assertThat(o.confirmedAt()).isAfter(before);
        assertThat(o.summary()).startsWith("2/2 new nameserver addresses serve all " + expected().size() + " RRsets");

        // A difference injected on the new side afterwards is found and named, and the wait ends at its deadline.
        patch("www.shop.test.", "A", 300, "192.0.2.66");
        long t0 = System.nanoTime();
        ZoneComparison.Outcome bad = good.await(expected(), Instant.now().plusSeconds(1), PropagationCheck.Listener.NONE);
        assertThat(bad.identical()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
        assertThat(bad.last().differences()).extracting(d -> d.key() + " " + d.kind())
                .containsExactly("www.shop.test. A different data", "www.shop.test. A different data");
        patch("www.shop.test.", "A", 300, "192.0.2.10");
    }

    @Test
    void theDelegationIsWatchedAtEveryParentAddressFoundThroughAResolver() throws Exception {
        Propagation viaUnbound = new Propagation(List.of(), List.of("127.0.0.1:" + lab.resolver().port()), false,
                Duration.ofMillis(200), Duration.ofSeconds(2), 2, 2, "auto");
        List<NameServer> found = ParentDiscovery.find(ZONE, List.of(), viaUnbound);
        assertThat(found).singleElement().satisfies(p -> {
            assertThat(p.zone()).isEqualTo("test.");
            assertThat(p.name()).isEqualTo("ns.nic.test.");
            assertThat(p.address()).isEqualTo(new InetSocketAddress(lab.addressOf("ns.nic.test."), 53));
        });
        List<NameServer> parents = new ArrayList<>(found);
        parents.addAll(ParentDiscovery.find(ZONE, List.of(lab.parentAddress()), viaUnbound));
        DelegationProbe probe = new DelegationProbe(ZONE, parents, fast(), Clock.systemUTC(), Sleeper.REAL);

        DelegationProbe.Round before = probe.probeOnce(lab.oldNameservers(), lab.newNameservers());
        assertThat(before.addresses()).extracting(ParentView::state).containsOnly(ParentView.State.OLD);
        assertThat(before.largestNsTtl()).isEqualTo(30);
        assertThat(before.ds().status()).isEqualTo(ParentView.Ds.Status.ABSENT);

        lab.registrar(lab.newNameservers(), 45);
        lab.addDs("12345 13 2 " + "AB".repeat(32), 120);
        DelegationProbe.Outcome o = probe.await(lab.newNameservers(), lab.oldNameservers(), lab.newNameservers(),
                Instant.now().plusSeconds(10), PropagationCheck.Listener.NONE);
        assertThat(o.delegated()).as(o.summary()).isTrue();
        assertThat(o.largestNsTtl()).isEqualTo(45);
        assertThat(o.last().ds()).extracting(ParentView.Ds::status, ParentView.Ds::ttl)
                .containsExactly(ParentView.Ds.Status.PRESENT, 120L);

        // A parent address that does not answer keeps the delegation from counting as seen everywhere.
        List<NameServer> withSilent = new ArrayList<>(parents);
        withSilent.add(new NameServer("test.", "ns2.nic.test.", new InetSocketAddress("127.0.0.1", Ports.free())));
        DelegationProbe.Outcome lagging = new DelegationProbe(ZONE, withSilent, fast(), Clock.systemUTC(), Sleeper.REAL)
                .await(lab.newNameservers(), lab.oldNameservers(), lab.newNameservers(), Instant.now().plusSeconds(1),
                        PropagationCheck.Listener.NONE);
        assertThat(lagging.delegated()).isFalse();
        assertThat(lagging.summary()).contains("2/3 parent addresses delegate shop.test.").contains("ns2.nic.test.")
                .contains("unreachable");

        lab.removeDs();
        lab.registrar(lab.oldNameservers(), 30);
        assertThat(probe.probeOnce(lab.oldNameservers(), lab.newNameservers()).delegatesEverywhereTo(
                Set.copyOf(lab.oldNameservers()))).isTrue();
    }

    /** Replaces one RRset at the new provider through its API, as an operator would. */
    static void patch(String name, String type, long ttl, String content) {
        String body = "{\"rrsets\":[{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"ttl\":" + ttl
                + ",\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"" + content + "\",\"disabled\":false}]}]}";
        var r = lab.newProvider().api("PATCH", "/api/v1/servers/localhost/zones/" + ZONE, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    static RRsetKey key(String name, String type) {
        return new RRsetKey(name, type);
    }
}
