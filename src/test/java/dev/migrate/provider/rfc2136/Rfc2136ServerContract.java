package dev.migrate.provider.rfc2136;

import static dev.migrate.provider.rfc2136.LabDns.ZONE;
import static dev.migrate.provider.rfc2136.LabDns.rrset;
import static dev.migrate.provider.rfc2136.LabDns.served;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.lab.TsigKey;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the adapter must do against every real server it claims: read, write atomically with
 * compare-and-set, report conflicts and refusals clearly. Subclasses start BIND or Knot, one fresh
 * server per test so each starts from {@link LabDns#ZONE_TEXT}.
 */
abstract class Rfc2136ServerContract {
    /** A started server: its port, its key, and how to stop it. */
    record Server(int port, TsigKey key, AutoCloseable stop) {}

    abstract Server start(String zone, String zoneText);

    /** The rcode-derived kind this server gives an unsigned update (BIND: REFUSED; Knot: NOTAUTH). */
    abstract Kind unsignedUpdateKind();

    @TempDir
    Path dir;

    Server server;
    Rfc2136Provider provider;

    @BeforeEach
    void up() throws Exception {
        server = start(ZONE, LabDns.ZONE_TEXT);
        provider = LabDns.provider(server.port(), server.key(), dir);
    }

    @AfterEach
    void down() throws Exception {
        if (server != null) server.stop().close();
    }

    RRset live(String name, String type) throws Exception {
        return served(server.port(), name, type);
    }

    @Test
    void readsTheWholeZoneByAxfrWithExactTtlsAndData() throws Exception {
        ZoneSnapshot z = provider.read(ZONE);
        assertThat(z.get("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "203.0.113.10"));
        assertThat(z.get("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 7200, "203.0.113.25"));
        assertThat(z.get("multi.example.test.", "A"))
                .isEqualTo(rrset("multi.example.test.", "A", 3600, "192.0.2.1", "192.0.2.2"));
        assertThat(z.get("alias.example.test.", "CNAME").rdata()).containsExactly("www.example.test.");
        assertThat(z.get(ZONE, "MX").rdata()).containsExactly("10 mail.example.test.");
        assertThat(z.serial()).isEqualTo(2024010101L);
        assertThat(z.size()).isEqualTo(10);
    }

    @Test
    void appliesOneBatchAsOneUpdateAndLeavesTheSerialToTheServer() throws Exception {
        ZoneSnapshot z = provider.read(ZONE);
        RRset www = z.get("www.example.test.", "A");
        RRset multi = z.get("multi.example.test.", "A");
        RRset mail = z.get("mail.example.test.", "A");
        RRset aaaa = z.get("www.example.test.", "AAAA");
        long serial = z.serial();
        provider.apply(ZONE, List.of(
                RRsetChange.of(ZONE, www, www.withTtl(300)),                                   // TTL only
                RRsetChange.of(ZONE, multi, rrset(multi.name(), "A", 300, "192.0.2.2", "192.0.2.3")), // data + TTL
                RRsetChange.of(ZONE, mail, null),                                                // delete
                RRsetChange.of(ZONE, aaaa, rrset(aaaa.name(), "AAAA", 3600, "2001:db8:20::20")), // data
                RRsetChange.of(ZONE, null, rrset("new.example.test.", "TXT", 60, "\"hello\" \"world\"")))); // create
        assertThat(provider.updateMessagesSent()).isEqualTo(1);
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));
        assertThat(live("multi.example.test.", "A"))
                .isEqualTo(rrset("multi.example.test.", "A", 300, "192.0.2.2", "192.0.2.3"));
        assertThat(live("mail.example.test.", "A")).isNull();
        assertThat(live("www.example.test.", "AAAA"))
                .isEqualTo(rrset("www.example.test.", "AAAA", 3600, "2001:db8:20::20"));
        assertThat(live("new.example.test.", "TXT")).isEqualTo(rrset("new.example.test.", "TXT", 60, "\"hello\" \"world\""));
        // One UPDATE, one serial step, made by the server (the adapter never writes the SOA).
        assertThat(LabDns.serial(server.port())).isEqualTo(serial + 1);
    }

    @Test
    void aCnameReplacesAnAddressAtTheSameNameInOneBatch() throws Exception {
        ZoneSnapshot z = provider.read(ZONE);
        RRset a = z.get("www.example.test.", "A");
        RRset aaaa = z.get("www.example.test.", "AAAA");
        RRset cname = z.get("alias.example.test.", "CNAME");
        // The CNAME is created first in the list: the adapter still deletes before it adds.
        provider.apply(ZONE, List.of(
                RRsetChange.of(ZONE, null, rrset("www.example.test.", "CNAME", 300, "web.example.net.")),
                RRsetChange.of(ZONE, a, null),
                RRsetChange.of(ZONE, aaaa, null),
                RRsetChange.of(ZONE, cname, null),
                RRsetChange.of(ZONE, null, rrset("alias.example.test.", "A", 300, "198.51.100.7"))));
        assertThat(live("www.example.test.", "CNAME")).isEqualTo(rrset("www.example.test.", "CNAME", 300, "web.example.net."));
        assertThat(live("alias.example.test.", "A")).isEqualTo(rrset("alias.example.test.", "A", 300, "198.51.100.7"));
        assertThat(provider.read(ZONE).atName("www.example.test.")).hasSize(1);
    }

    @Test
    void lowersAndChangesTheApexNsWithoutLeavingOldNameserversBehind() throws Exception {
        ZoneSnapshot z = provider.read(ZONE);
        RRset ns = z.get(ZONE, "NS");
        provider.apply(ZONE, List.of(RRsetChange.of(ZONE, ns, ns.withTtl(300))));
        assertThat(live(ZONE, "NS")).isEqualTo(rrset(ZONE, "NS", 300, "ns1.example.test."));
        RRset lowered = live(ZONE, "NS");
        provider.apply(ZONE, List.of(RRsetChange.of(ZONE, lowered,
                rrset(ZONE, "NS", 300, "ns1.new-dns.example.", "ns2.new-dns.example."))));
        assertThat(live(ZONE, "NS")).isEqualTo(rrset(ZONE, "NS", 300, "ns1.new-dns.example.", "ns2.new-dns.example."));
    }

    @Test
    void aRecordChangedWithNsupdateIsAConflictAndNothingInTheBatchIsWritten() throws Exception {
        ZoneSnapshot z = provider.read(ZONE);
        RRset www = z.get("www.example.test.", "A");
        RRset apex = z.get(ZONE, "A");
        LabDns.nsupdate(server.port(), server.key(),
                "update delete www.example.test. A", "update add www.example.test. 3600 A 192.0.2.99");
        assertThatThrownBy(() -> provider.apply(ZONE, List.of(
                RRsetChange.of(ZONE, apex, apex.withData(List.of("198.51.100.20"))),
                RRsetChange.of(ZONE, www, www.withData(List.of("198.51.100.20"))))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.conflicts()).containsExactly(new RRsetKey("www.example.test.", "A"));
                    assertThat(e.getMessage()).contains("www.example.test. A").contains("192.0.2.99")
                            .contains("nothing in this update was written");
                });
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "192.0.2.99"));
        assertThat(live(ZONE, "A")).isEqualTo(apex);
        assertThat(provider.updateMessagesSent()).isZero();
    }

    @Test
    void aTtlChangedWithNsupdateIsAConflictToo() throws Exception {
        RRset www = provider.read(ZONE).get("www.example.test.", "A");
        LabDns.nsupdate(server.port(), server.key(),
                "update delete www.example.test. A", "update add www.example.test. 60 A 203.0.113.10");
        assertThatThrownBy(() -> provider.apply(ZONE, List.of(RRsetChange.of(ZONE, www, www.withTtl(300)))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
        assertThat(live("www.example.test.", "A").ttl()).isEqualTo(60);
    }

    @Test
    void theServerEnforcesThePrerequisitesWhenTheChangeRacesTheRead() throws Exception {
        // Skip the adapter's own read: send the UPDATE built from a stale before-image straight away, as
        // when someone else writes between the adapter's read and its update.
        RRset www = provider.read(ZONE).get("www.example.test.", "A");
        LabDns.nsupdate(server.port(), server.key(), "update add www.example.test. 3600 A 192.0.2.98");
        var msg = UpdateMessages.message(ZONE, List.of(RRsetChange.of(ZONE, www, www.withData(List.of("198.51.100.20")))));
        DnsClient client = new DnsClient(new java.net.InetSocketAddress("127.0.0.1", server.port()),
                new TsigKeySpec(server.key().name(), server.key().algorithm(),
                        dev.migrate.secret.Secret.of(server.key().secret(), "test")), Duration.ofSeconds(2), Duration.ofSeconds(5));
        var response = client.exchange(msg, client.failures(ZONE, "UPDATE"));
        assertThat(org.xbill.DNS.Rcode.string(response.getRcode())).isEqualTo("NXRRSET");
        assertThat(live("www.example.test.", "A").rdata()).containsExactly("192.0.2.98", "203.0.113.10");

        // Creating what exists: YXRRSET.
        var create = UpdateMessages.message(ZONE, List.of(RRsetChange.of(ZONE, null, rrset("www.example.test.", "A", 60, "192.0.2.1"))));
        assertThat(org.xbill.DNS.Rcode.string(client.exchange(create, client.failures(ZONE, "UPDATE")).getRcode()))
                .isEqualTo("YXRRSET");
    }

    @Test
    void aBatchAlreadyAppliedIsNotWrittenAgain() throws Exception {
        RRset www = provider.read(ZONE).get("www.example.test.", "A");
        List<RRsetChange> batch = List.of(RRsetChange.of(ZONE, www, www.withTtl(300)));
        provider.apply(ZONE, batch);
        long serial = LabDns.serial(server.port());
        provider.apply(ZONE, batch);
        assertThat(provider.updateMessagesSent()).isEqualTo(1);
        assertThat(LabDns.serial(server.port())).isEqualTo(serial);
    }

    @Test
    void aBatchTooLargeForOneMessageGoesInSeveralAndAllOfItLands() throws Exception {
        List<RRsetChange> batch = new ArrayList<>();
        // 400 RRsets of 4 long TXT strings: about 400 kB, so several 64 KiB messages.
        String chunk = "\"" + "x".repeat(250) + "\"";
        for (int i = 0; i < 400; i++) {
            batch.add(RRsetChange.of(ZONE, null, rrset("t" + i + ".example.test.", "TXT", 300,
                    chunk + " \"" + i + "a\"", chunk + " \"" + i + "b\"", chunk + " \"" + i + "c\"", chunk + " \"" + i + "d\"")));
        }
        // The engine journals and applies each batch the adapter cuts: one message each.
        List<List<RRsetChange>> batches = provider.batches(ZONE, batch);
        for (List<RRsetChange> b : batches) provider.apply(ZONE, b);
        assertThat(provider.updateMessagesSent()).isGreaterThan(4);
        assertThat(provider.updateMessagesSent()).isEqualTo(batches.size());
        ZoneSnapshot z = provider.read(ZONE);
        for (RRsetChange c : batch) assertThat(z.get(c.key())).isEqualTo(c.after());
    }

    @Test
    void theZoneHeldAndBroughtUpToDateByIxfrIsWhatAFreshTransferReads() throws Exception {
        ZoneSnapshot z = provider.read(ZONE);
        RRset www = z.get("www.example.test.", "A");
        RRset multi = z.get("multi.example.test.", "A");
        RRset ns = z.get(ZONE, "NS");
        provider.apply(ZONE, List.of(RRsetChange.of(ZONE, www, www.withTtl(300)),
                RRsetChange.of(ZONE, multi, rrset(multi.name(), "A", 60, "192.0.2.2", "192.0.2.3")),
                RRsetChange.of(ZONE, null, rrset("new.example.test.", "TXT", 60, "\"hello\" \"world\""))));
        // Someone else, in between: a record added to an RRset, a TTL changed, a deletion.
        LabDns.nsupdate(server.port(), server.key(), "update add multi.example.test. 60 A 192.0.2.9",
                "update delete mail.example.test. A", "update add mail.example.test. 120 A 203.0.113.25",
                "update delete alias.example.test. CNAME");
        ZoneSnapshot mid = provider.read(ZONE);
        provider.apply(ZONE, List.of(RRsetChange.of(ZONE, ns, ns.withTtl(300)),
                RRsetChange.of(ZONE, mid.get("www.example.test.", "AAAA"), null),
                RRsetChange.of(ZONE, mid.get(ZONE, "A"), rrset(ZONE, "A", 300, "198.51.100.1", "198.51.100.2"))));
        ZoneSnapshot held = provider.read(ZONE);
        ZoneSnapshot transferred = LabDns.provider(server.port(), server.key(), dir).read(ZONE);
        assertThat(held.rrsets()).containsExactlyElementsOf(transferred.rrsets());
        assertThat(held.get("multi.example.test.", "A"))
                .isEqualTo(rrset("multi.example.test.", "A", 60, "192.0.2.2", "192.0.2.3", "192.0.2.9"));
        assertThat(held.get("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 120, "203.0.113.25"));
        assertThat(held.get("alias.example.test.", "CNAME")).isNull();
        assertThat(held.serial()).isEqualTo(LabDns.serial(server.port()));
        // Changes came by IXFR (BIND answers with the whole zone instead when the changes would be larger
        // than the zone, its max-ixfr-ratio, as here for the apex NS change of a 12-record zone).
        assertThat(provider.changeTransfers()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyReadAndWriteOfARunGoesOverOneConnection() throws Exception {
        ZoneSnapshot z = provider.read(ZONE);
        RRset www = z.get("www.example.test.", "A");
        RRset mail = z.get("mail.example.test.", "A");
        provider.apply(ZONE, List.of(RRsetChange.of(ZONE, www, www.withTtl(300))));
        provider.apply(ZONE, List.of(RRsetChange.of(ZONE, mail, mail.withTtl(300))));
        provider.read(ZONE);
        provider.apply(ZONE, List.of(RRsetChange.of(ZONE, www.withTtl(300), www)));
        assertThat(provider.updateMessagesSent()).isEqualTo(3);
        assertThat(provider.connectionsOpened()).isEqualTo(1);
        assertThat(provider.wholeTransfers()).isEqualTo(1);
        assertThat(live("www.example.test.", "A")).isEqualTo(www);
    }

    @Test
    void theServerRefusesAnUpdateThatRequiresAnOlderVersionOfTheZone() throws Exception {
        // The SOA prerequisite is what lets the adapter trust the version it just compared: prove that
        // the server honours it, for a change to an RRset the update does not even touch.
        ZoneSnapshot z = provider.read(ZONE);
        RRset www = z.get("www.example.test.", "A");
        LabDns.nsupdate(server.port(), server.key(),
                "update delete mail.example.test. A", "update add mail.example.test. 60 A 203.0.113.25");
        DnsClient client = new DnsClient(new java.net.InetSocketAddress("127.0.0.1", server.port()),
                new TsigKeySpec(server.key().name(), server.key().algorithm(),
                        dev.migrate.secret.Secret.of(server.key().secret(), "test")), Duration.ofSeconds(2), Duration.ofSeconds(5));
        List<UpdateMessages.Converted> change = UpdateMessages.Converted.all(List.of(RRsetChange.of(ZONE, www, www.withTtl(60))));
        var stale = client.exchange(UpdateMessages.message(ZONE, z.soa(), change, false), client.failures(ZONE, "UPDATE"));
        assertThat(org.xbill.DNS.Rcode.string(stale.getRcode())).isEqualTo("NXRRSET");
        assertThat(live("www.example.test.", "A")).isEqualTo(www);
        RRset soaNow = served(server.port(), ZONE, "SOA");
        var current = client.exchange(UpdateMessages.message(ZONE, soaNow, change, false), client.failures(ZONE, "UPDATE"));
        assertThat(org.xbill.DNS.Rcode.string(current.getRcode())).isEqualTo("NOERROR");
        assertThat(live("www.example.test.", "A")).isEqualTo(www.withTtl(60));
        client.close();
    }

    @Test
    void batchesAreOneMessageEachAndTheirUndoingFitsToo() throws Exception {
        // 500 RRsets of four addresses each: more than one 64 KiB message in either direction.
        List<String> nsupdate = new ArrayList<>();
        List<RRsetChange> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String n = "h" + i + ".example.test.";
            List<String> old = new ArrayList<>();
            for (int k = 1; k <= 4; k++) {
                old.add("203.0.113." + k);
                nsupdate.add("update add " + n + " 3600 A 203.0.113." + k);
            }
            batch.add(RRsetChange.of(ZONE, rrset(n, "A", 3600, old.toArray(String[]::new)),
                    rrset(n, "A", 300, "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4")));
            if (nsupdate.size() >= 400) {
                LabDns.nsupdate(server.port(), server.key(), nsupdate.toArray(String[]::new));
                nsupdate.clear();
            }
        }
        provider.read(ZONE);
        List<List<RRsetChange>> batches = provider.batches(ZONE, batch);
        assertThat(batches).hasSizeGreaterThan(1);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(batch);
        long serial = LabDns.serial(server.port());
        for (List<RRsetChange> b : batches) provider.apply(ZONE, b);
        // One message per batch, each applied whole (the server moves its serial once per UPDATE).
        assertThat(provider.updateMessagesSent()).isEqualTo(batches.size());
        assertThat(LabDns.serial(server.port())).isEqualTo(serial + batches.size());
        ZoneSnapshot after = provider.read(ZONE);
        for (RRsetChange c : batch) assertThat(after.get(c.key())).isEqualTo(c.after());
        // Undone batch by batch, as a rollback does: each undoing is one message too.
        for (int i = batches.size() - 1; i >= 0; i--) {
            provider.apply(ZONE, batches.get(i).stream().map(RRsetChange::inverse).toList());
        }
        assertThat(provider.updateMessagesSent()).isEqualTo(2L * batches.size());
        ZoneSnapshot back = provider.read(ZONE);
        for (RRsetChange c : batch) assertThat(back.get(c.key())).isEqualTo(c.before());
    }

    @Test
    void aBatchLargerThanOneMessageIsRefusedBeforeAnythingIsSent() throws Exception {
        List<RRsetChange> batch = new ArrayList<>();
        String chunk = "\"" + "x".repeat(250) + "\"";
        for (int i = 0; i < 100; i++) {
            batch.add(RRsetChange.of(ZONE, null, rrset("t" + i + ".example.test.", "TXT", 300,
                    chunk + " \"" + i + "a\"", chunk + " \"" + i + "b\"", chunk + " \"" + i + "c\"")));
        }
        long serial = LabDns.serial(server.port());
        assertThatThrownBy(() -> provider.apply(ZONE, batch)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("does not fit one UPDATE message").contains("nothing was sent");
        });
        assertThat(provider.updateMessagesSent()).isZero();
        assertThat(LabDns.serial(server.port())).isEqualTo(serial);
    }

    @Test
    void queryModeReadsOnlyWhatItIsAskedAndRefusesToListTheZone() throws Exception {
        Rfc2136Provider q = LabDns.provider(LabDns.settings(server.port(), server.key(), dir, "query"), dir, new ArrayList<>());
        assertThatThrownBy(() -> q.read(ZONE)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("read: query").contains("read: axfr");
        });
        ZoneSnapshot some = q.readNames(ZONE, List.of(new RRsetKey("www.example.test.", "A"),
                new RRsetKey("alias.example.test.", "A"), new RRsetKey("nothing.example.test.", "A")));
        assertThat(some.rrsets()).extracting(s -> s.key().toString()).containsExactly(
                "example.test. NS", "example.test. SOA", "www.example.test. A");
        assertThat(some.get("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "203.0.113.10"));

        RRset www = some.get("www.example.test.", "A");
        q.apply(ZONE, List.of(RRsetChange.of(ZONE, www, www.withData(List.of("198.51.100.20"))),
                RRsetChange.of(ZONE, null, rrset("fresh.example.test.", "A", 60, "198.51.100.21"))));
        ZoneSnapshot after = q.read(ZONE);
        assertThat(after.get("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "198.51.100.20"));
        assertThat(after.get("fresh.example.test.", "A")).isEqualTo(rrset("fresh.example.test.", "A", 60, "198.51.100.21"));
        assertThat(after.get("mail.example.test.", "A")).isNull(); // never named: not read
    }

    @Test
    void aWrongSecretIsOneClearAuthenticationErrorWithoutTheSecret() throws Exception {
        TsigKey wrong = server.key().withRandomSecret();
        Rfc2136Provider p = LabDns.provider(server.port(), wrong, dir);
        assertThatThrownBy(() -> p.read(ZONE)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.AUTH);
            assertThat(e.getMessage()).contains("BADSIG").contains("'" + wrong.name() + "'")
                    .doesNotContain(wrong.secret()).doesNotContain(server.key().secret()).doesNotContain("\n");
        });
        RRset www = provider.read(ZONE).get("www.example.test.", "A");
        Rfc2136Provider q = LabDns.provider(LabDns.settings(server.port(), wrong, dir, "query"), dir, new ArrayList<>());
        assertThatThrownBy(() -> q.apply(ZONE, List.of(RRsetChange.of(ZONE, www, www.withTtl(60)))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.AUTH);
                    assertThat(e.getMessage()).contains("BADSIG").doesNotContain(wrong.secret());
                });
        assertThat(live("www.example.test.", "A")).isEqualTo(www);
    }

    @Test
    void anUnknownKeyNameIsBadkey() throws Exception {
        TsigKey stranger = TsigKey.random("no-such-key");
        Rfc2136Provider p = LabDns.provider(server.port(), stranger, dir);
        assertThatThrownBy(() -> p.read(ZONE)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.AUTH);
            assertThat(e.getMessage()).contains("BADKEY").contains("no-such-key").doesNotContain(stranger.secret());
        });
    }

    @Test
    void anUpdateTheServerPolicyRefusesSaysSo() throws Exception {
        // No key: reads by query still work (queries are open), the update is refused by policy.
        Rfc2136Provider unsigned = LabDns.provider(LabDns.settings(server.port(), null, dir, "query"), dir, new ArrayList<>());
        RRset www = unsigned.readNames(ZONE, List.of(new RRsetKey("www.example.test.", "A"))).get("www.example.test.", "A");
        assertThatThrownBy(() -> unsigned.apply(ZONE, List.of(RRsetChange.of(ZONE, www, www.withTtl(60)))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(unsignedUpdateKind());
                    assertThat(e.getMessage()).contains("UPDATE").contains(ZONE).doesNotContain("\n");
                });
        assertThat(unsigned.updateMessagesSent()).isEqualTo(1); // permanent: not retried
        assertThat(live("www.example.test.", "A")).isEqualTo(www);
    }

    @Test
    void aServerThatIsDownIsRetriedABoundedNumberOfTimesThenReported() throws Exception {
        List<Duration> pauses = new ArrayList<>();
        Rfc2136Provider p = LabDns.provider(LabDns.settings(server.port(), server.key(), dir, "axfr"), dir, pauses);
        server.stop().close();
        server = null;
        assertThatThrownBy(() -> p.read(ZONE)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
            assertThat(e.getMessage()).contains("connection refused").contains("tried 3 times").doesNotContain("\n");
        });
        assertThat(pauses).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    }
}
