package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.RRsetNote;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.SafetyGate.Gate;
import dev.migrate.plan.MoveSpec;
import dev.migrate.probe.ParentView;
import dev.migrate.provider.Capabilities;
import dev.migrate.state.JournalState;
import dev.migrate.testing.Zones;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/** A provider move's decisions, pure: what copy-zone writes, when the old provider may go, the DS at the parent. */
class MoveRulesTest {
    static final String ZONE = "shop.example.";
    static final List<String> NEW_NS = List.of("ns1.new-dns.example.", "ns2.new-dns.example.");
    static final Capabilities ANY = new Capabilities(true, true, 0, RRset.MAX_TTL, Set.of(), true, 500);

    static ZoneSnapshot old(String records) {
        return Zones.parse(ZONE, """
                $TTL 3600
                @ IN SOA ns1.old-dns.example. h.shop.example. 2026010101 7200 900 1209600 300
                @ 86400 IN NS ns1.old-dns.example.
                @ 86400 IN NS ns2.old-dns.example.
                """ + records);
    }

    /** The new provider's zone as it creates it: its own SOA and NS. */
    static ZoneSnapshot fresh(String records) {
        return Zones.parse(ZONE, """
                $TTL 3600
                @ IN SOA ns1.new-dns.example. hostmaster.new-dns.example. 2026120101 10800 3600 604800 3600
                @ 3600 IN NS ns1.new-dns.example.
                """ + records);
    }

    @Nested
    class CopyZone {
        static final String RECORDS = """
                www 300 IN A 192.0.2.10
                @ 300 IN MX 10 mail.shop.example.
                mail 300 IN A 192.0.2.25
                sub IN NS ns.sub.shop.example.
                ns.sub IN A 192.0.2.53
                """;

        @Test
        void copiesEverythingButTheNewProvidersOwnSoaAndSetsTheApexNsToTheNewSet() {
            ZoneCopy.Decision d = ZoneCopy.decide(old(RECORDS), fresh(""), NEW_NS, ANY);
            assertThat(d).isInstanceOf(ZoneCopy.Decision.Copy.class);
            ZoneCopy.Decision.Copy c = (ZoneCopy.Decision.Copy) d;
            assertThat(c.changes()).extracting(x -> x.key() + " " + x.kind()).containsExactlyInAnyOrder(
                    "www.shop.example. A CREATE", "shop.example. MX CREATE", "mail.shop.example. A CREATE",
                    "sub.shop.example. NS CREATE", "ns.sub.shop.example. A CREATE", "shop.example. NS DATA");
            RRsetChange ns = c.changes().stream().filter(x -> x.key().equals(new RRsetKey(ZONE, "NS"))).findFirst().orElseThrow();
            // The apex NS: the new set, at the old apex NS TTL; its before-image is what the new provider holds.
            assertThat(ns.after()).isEqualTo(RRset.of(ZONE, "NS", 86400, NEW_NS));
            assertThat(ns.before()).isEqualTo(RRset.of(ZONE, "NS", 3600, List.of("ns1.new-dns.example.")));
            assertThat(c.expected()).doesNotContain(old(RECORDS).soa()).contains(ns.after());
            assertThat(c.expected()).hasSize(6);
            assertThat(c.leftOut()).anyMatch(l -> l.startsWith("shop.example. SOA: the new provider's own SOA stays"));
        }

        @Test
        void aSecondRunAfterTheCopyWritesNothing() {
            ZoneCopy.Decision.Copy first = (ZoneCopy.Decision.Copy) ZoneCopy.decide(old(RECORDS), fresh(""), NEW_NS, ANY);
            ZoneSnapshot done = fresh("").with(first.changes());
            ZoneCopy.Decision again = ZoneCopy.decide(old(RECORDS), done, NEW_NS, ANY);
            assertThat(((ZoneCopy.Decision.Copy) again).changes()).isEmpty();
        }

        @Test
        void signerRecordsAreLeftToTheNewProvider() {
            ZoneSnapshot signed = old(RECORDS + """
                    @ 3600 IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
                    www 300 IN RRSIG A 13 3 300 20261231000000 20261201000000 12345 shop.example. mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
                    """);
            ZoneCopy.Decision.Copy c = (ZoneCopy.Decision.Copy) ZoneCopy.decide(signed, fresh(""), NEW_NS, ANY);
            assertThat(c.changes()).noneMatch(x -> ZoneCopy.SIGNER_TYPES.contains(x.key().type()));
            assertThat(c.expected()).noneMatch(x -> ZoneCopy.SIGNER_TYPES.contains(x.type()));
            assertThat(c.leftOut()).anyMatch(l -> l.startsWith("shop.example. DNSKEY: DNSSEC signer data"));
        }

        @Test
        void refusesWithTheWholeListWhatCannotBeCopiedFaithfully() {
            ZoneSnapshot base = old(RECORDS + "short 30 IN A 192.0.2.30\nloc IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m\n");
            // The old provider says www is more than DNS data (a Cloudflare proxied record, a Route 53 alias).
            ZoneSnapshot noted = new ZoneSnapshot(ZONE, base.rrsets(), Map.of(new RRsetKey("www." + ZONE, "A"),
                    new RRsetNote(true, true, "proxied by Cloudflare: resolvers get Cloudflare's edge addresses")));
            Capabilities picky = new Capabilities(true, true, 60, 86400, Set.of("A", "AAAA", "MX", "NS", "SOA", "TXT"), true, 200);
            ZoneSnapshot atNew = fresh("mail 600 IN A 192.0.2.25\nextra IN TXT \"left by the provider\"\n");
            ZoneCopy.Decision d = ZoneCopy.decide(noted, atNew, NEW_NS, picky);
            assertThat(d).isInstanceOf(ZoneCopy.Decision.Refused.class);
            assertThat(((ZoneCopy.Decision.Refused) d).reasons()).containsExactlyInAnyOrder(
                    "www.shop.example. A: proxied by Cloudflare: resolvers get Cloudflare's edge addresses; another provider"
                            + " cannot serve it the same way: make it a plain record at the old provider first, or create it"
                            + " at the new one by hand and leave it out",
                    "short.shop.example. A: TTL 30 is below the new provider's minimum 60; raise it at the old provider"
                            + " first, or the new servers would serve another TTL",
                    "loc.shop.example. LOC: the new provider cannot hold LOC records",
                    "mail.shop.example. A: the new provider already holds 600 [192.0.2.25], the old zone 300 [192.0.2.25];"
                            + " make them the same or remove it at the new provider",
                    "extra.shop.example. TXT: the new provider holds 3600 [\"left by the provider\"] and the old zone has no"
                            + " such RRset; remove it at the new provider (it would be served once the delegation moves)");
        }
    }

    @Nested
    class Soak {
        static final Instant SEEN = Instant.parse("2026-12-01T03:00:00Z");
        static final SoakRule.Facts FACTS = new SoakRule.Facts(SEEN, 172800, 86400, Duration.ofHours(1));

        @Test
        void theOldProviderStaysUntilParentNsTtlPlusOldChildNsTtlPlusMarginAfterTheDelegationWasSeenEverywhere() {
            Instant at = SEEN.plusSeconds(172800 + 86400).plus(Duration.ofHours(1));
            assertThat(FACTS.releaseAt()).isEqualTo(at);
            Gate held = SoakRule.release(FACTS, at.minusSeconds(1), false);
            assertThat(held).isInstanceOf(Gate.HeldUntil.class);
            assertThat(((Gate.HeldUntil) held).until()).isEqualTo(at);
            assertThat(((Gate.HeldUntil) held).why()).contains("until " + at).contains("seen at every parent address at " + SEEN)
                    .contains("NS TTL is 172800 s").contains("NS TTL 86400 s").contains("--force");
            assertThat(SoakRule.release(FACTS, at, false)).isEqualTo(new Gate.Open(List.of()));
            Gate forced = SoakRule.release(FACTS, at.minusSeconds(3600), true);
            assertThat(((Gate.Open) forced).forced()).isTrue();
        }

        @Test
        void withoutTheDelegationSeenEverywhereItIsRefusedEvenWithForce() {
            for (boolean force : List.of(false, true)) {
                assertThat(SoakRule.release(null, SEEN, force)).isInstanceOf(Gate.Refused.class);
            }
        }

        @Test
        void theOldChildNsTtlIsTheOneBeforeAnyLowering() {
            assertThat(SoakRule.oldChildNsTtl(86400L, 300)).isEqualTo(86400);
            assertThat(SoakRule.oldChildNsTtl(null, 3600)).isEqualTo(3600);
        }
    }

    @Nested
    class Dnssec {
        static final Instant NOW = Instant.parse("2026-12-01T02:00:00Z");
        static final Duration MARGIN = Duration.ofMinutes(5);
        static final ParentView.Ds NONE = new ParentView.Ds(ParentView.Ds.Status.ABSENT, -1, List.of(), "");

        static DNSKEYRecord key() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new DNSKEYRecord(Name.fromString(ZONE), DClass.IN, 3600, 257, DNSKEYRecord.Protocol.DNSSEC,
                    DNSSEC.Algorithm.ECDSAP256SHA256, g.generateKeyPair().getPublic());
        }

        static ParentView.Ds dsFor(DNSKEYRecord k) {
            DSRecord ds = new DSRecord(Name.root, DClass.IN, 86400, DNSSEC.Digest.SHA256, k);
            return new ParentView.Ds(ParentView.Ds.Status.PRESENT, 86400, List.of(ds.rdataToString()), "");
        }

        @Test
        void noDsNoQuestion() {
            assertThat(DnssecRule.beforeDelegate(ZONE, null, NONE, List.of(), JournalState.DsHistory.NEVER_SEEN, MARGIN, NOW))
                    .isEqualTo(new Gate.Open(List.of()));
        }

        @Test
        void aDsOverAnUnsignedNewZoneIsRefusedWhateverThePlanSays() throws Exception {
            ParentView.Ds ds = dsFor(key());
            for (MoveSpec.Dnssec p : new MoveSpec.Dnssec[] {null, MoveSpec.Dnssec.REMOVE_DS_FIRST, MoveSpec.Dnssec.SAME_KEYS}) {
                Gate g = DnssecRule.beforeDelegate(ZONE, p, ds, List.of(), JournalState.DsHistory.NEVER_SEEN, MARGIN, NOW);
                assertThat(g).as("policy %s", p).isInstanceOf(Gate.Refused.class);
                assertThat(((Gate.Refused) g).why()).contains("does not sign the zone").contains("SERVFAIL");
            }
        }

        @Test
        void aDsWhileThePlanDoesNotSayHowIsRefused() throws Exception {
            DNSKEYRecord k = key();
            Gate g = DnssecRule.beforeDelegate(ZONE, null, dsFor(k), List.of(k.rdataToString()),
                    JournalState.DsHistory.NEVER_SEEN, MARGIN, NOW);
            assertThat(((Gate.Refused) g).why()).contains("the plan does not say how").contains("remove-ds-first")
                    .contains("same-keys");
        }

        @Test
        void removeDsFirstWaitsForTheDsToGoAndThenForItsTtl() throws Exception {
            DNSKEYRecord k = key();
            Gate present = DnssecRule.beforeDelegate(ZONE, MoveSpec.Dnssec.REMOVE_DS_FIRST, dsFor(k), List.of(k.rdataToString()),
                    JournalState.DsHistory.NEVER_SEEN, MARGIN, NOW);
            assertThat(((Gate.Refused) present).why()).contains("remove it at the registrar");
            Instant gone = NOW.minusSeconds(3600);
            JournalState.DsHistory h = new JournalState.DsHistory(86400, gone);
            Gate held = DnssecRule.beforeDelegate(ZONE, MoveSpec.Dnssec.REMOVE_DS_FIRST, NONE, List.of(), h, MARGIN, NOW);
            Instant until = gone.plusSeconds(86400).plus(MARGIN);
            assertThat(held).isInstanceOf(Gate.HeldUntil.class);
            assertThat(((Gate.HeldUntil) held).until()).isEqualTo(until);
            assertThat(((Gate.HeldUntil) held).why()).contains("TTL 86400 s").contains("at " + gone);
            assertThat(DnssecRule.beforeDelegate(ZONE, MoveSpec.Dnssec.REMOVE_DS_FIRST, NONE, List.of(), h, MARGIN, until))
                    .isEqualTo(new Gate.Open(List.of()));
        }

        @Test
        void sameKeysNeedsADsThatMatchesAKeyTheNewServersServe() throws Exception {
            DNSKEYRecord k = key();
            DNSKEYRecord other = key();
            assertThat(DnssecRule.beforeDelegate(ZONE, MoveSpec.Dnssec.SAME_KEYS, dsFor(k),
                    List.of(other.rdataToString(), k.rdataToString()), JournalState.DsHistory.NEVER_SEEN, MARGIN, NOW))
                    .isEqualTo(new Gate.Open(List.of()));
            Gate g = DnssecRule.beforeDelegate(ZONE, MoveSpec.Dnssec.SAME_KEYS, dsFor(k), List.of(other.rdataToString()),
                    JournalState.DsHistory.NEVER_SEEN, MARGIN, NOW);
            assertThat(((Gate.Refused) g).why()).contains("none of its records matches a DNSKEY the new servers serve");
        }

        @Test
        void anUnknownDsStopsTheDelegation() {
            ParentView.Ds unknown = new ParentView.Ds(ParentView.Ds.Status.UNKNOWN, -1, List.of(), "no usable DS answer");
            assertThat(DnssecRule.beforeDelegate(ZONE, MoveSpec.Dnssec.REMOVE_DS_FIRST, unknown, List.of(),
                    JournalState.DsHistory.NEVER_SEEN, MARGIN, NOW)).isInstanceOf(Gate.Refused.class);
        }
    }
}
