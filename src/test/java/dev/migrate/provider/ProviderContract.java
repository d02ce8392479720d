package dev.migrate.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.testing.Cli;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * What every adapter promises ({@link DnsProvider}'s Javadoc), checked the same way for each: a subclass
 * starts the adapter's world (a real server, files, a stateful fake of a cloud API) holding
 * {@link #ZONE_TEXT} and says how to look at it from outside the adapter. Then:
 * <ul>
 *   <li>the adapter's own promises, on the adapter itself: a read shows what was written; a batch whose
 *       before-images match lands whole; a stale before-image is CONFLICT and nothing of the batch is
 *       written; creating an RRset that exists is CONFLICT; deletes go before adds (a CNAME and an A
 *       trading places at one name, in either order in the batch); {@link DnsProvider#batches} keeps every
 *       change exactly once and each batch within the provider's limits; a read after a write shows the
 *       after-images;</li>
 *   <li>the whole cutover through the CLI (plan, apply stepped through every phase with {@code --now},
 *       rollback back to exactly the starting records), and a change by someone else before the swap
 *       refused with exit 4 and nothing overwritten.</li>
 * </ul>
 */
public abstract class ProviderContract {
    public static final String ZONE = "example.test.";
    public static final String ZONE_TEXT = """
            $TTL 3600
            @      IN SOA ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 300
            @      IN NS  ns1.example.test.
            ns1    IN A   127.0.0.1
            @      IN A   203.0.113.10
            www    IN A   203.0.113.10
            www    IN AAAA 2001:db8:10::10
            mail   7200 IN A 203.0.113.25
            @      IN MX  10 mail.example.test.
            alias  IN CNAME www.example.test.
            multi  IN A   192.0.2.1
            multi  IN A   192.0.2.2
            """;
    public static final String T = "2030-01-10T12:00:00Z";
    /** The plan's name, and so its state directory's. */
    public static final String PLAN_NAME = "contract-cycle";

    /** An adapter's world, started for one test. */
    public interface World extends AutoCloseable {
        /**
         * The plan's {@code provider:} block without indentation, as an operator writes it (secrets in files
         * or variables the world created).
         */
        String providerBlock();

        /** Top-level plan lines saying how to confirm: {@code nameservers: [...]} or {@code propagation: ...}. */
        String confirmation();

        /** A new adapter instance, made the way the CLI makes one. */
        DnsProvider provider() throws Exception;

        /** What the world holds or serves for name/type, seen without the adapter; null when there is none. */
        RRset served(String name, String type) throws Exception;

        /** Someone else (an operator at a console, another tool) replaces the RRset name/type. */
        void foreignChange(String name, String type, long ttl, String... data) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Starts the world holding {@link #ZONE_TEXT} as zone {@link #ZONE}, its files (if any) under {@code dir}. */
    protected abstract World start(Path dir) throws Exception;

    /**
     * The TTL restore-ttl gives an RRset the swap created (it had no original): the zone's SOA TTL, or, for
     * a provider that shows no SOA, the TTL it was created with.
     */
    protected long createdRestoredTtl() {
        return 3600;
    }

    /**
     * Checks one batch {@link DnsProvider#batches} made against the provider's limits beyond the count of
     * RRsets (records or characters per request, bytes per message). None by default.
     */
    protected void assertWithinRequestLimits(List<RRsetChange> batch) {}

    @TempDir
    protected Path dir;

    protected World world;
    protected Path plan;

    @BeforeEach
    void startWorld() throws Exception {
        world = start(dir);
        plan = writePlan();
    }

    @AfterEach
    void stopWorld() throws Exception {
        if (world != null) world.close();
    }

    Path writePlan() throws IOException {
        Path p = dir.resolve("cutover.yaml");
        java.nio.file.Files.writeString(p, planText(PLAN_NAME, world.providerBlock(), world.confirmation()));
        return p;
    }

    /**
     * The contract's plan: two explicit moves, a creation, a deletion and a rewrite rule in {@link #ZONE}, with
     * the given provider block (lines without indentation) and confirmation lines.
     */
    public static String planText(String name, String providerBlock, String confirmation) {
        return """
                name: %s
                cutover: %s
                provider:
                %s
                zones: [example.test]
                ttl:
                  lowered: 300
                  restore: original
                changes:
                  - { name: www,   type: A,    from: [203.0.113.10], to: [198.51.100.20] }
                  - { name: www,   type: AAAA, from: ["2001:db8:10::10"], to: ["2001:db8:20::20"] }
                  - { name: "@",   type: TXT,  to: ['"v=spf1 ip4:198.51.100.25 -all"'] }
                  - { name: multi, type: A,    to: [] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                %s
                """.formatted(name, T, providerBlock.strip().indent(2).stripTrailing(), confirmation.strip());
    }

    protected Cli.Run migrate(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, plan.toString());
        return Cli.migrate(a.toArray(String[]::new));
    }

    protected RRset live(String name, String type) throws Exception {
        return world.served(name, type);
    }

    /** An RRset with its data normalised as the program normalises plan data. */
    public static RRset rrset(String name, String type, long ttl, String... data) {
        return RRset.of(name, type, ttl, Rdata.normaliseAll(type, List.of(data), ZONE));
    }

    /** The whole zone as a fresh adapter reads it, without the SOA (its serial is the provider's). */
    protected Map<String, RRset> zoneWithoutSoa() throws Exception {
        try (DnsProvider p = world.provider()) {
            return p.read(ZONE).rrsets().stream().filter(Predicate.not(s -> s.type().equals("SOA")))
                    .collect(Collectors.toMap(s -> s.key().toString(), s -> s));
        }
    }

    protected void assertNoPendingBatches() throws Exception {
        Path state = dir.resolve(".migrate").resolve(PLAN_NAME);
        assertThat(JournalState.of(Journal.eventsIn(state)).pending()).isEmpty();
    }

    // ------------------------------------------------------------------ the adapter's promises

    @Test
    void aReadShowsWhatWasWritten() throws Exception {
        RRset created = rrset("contract.example.test.", "TXT", 600, "\"written by the contract\"");
        try (DnsProvider p = world.provider()) {
            ZoneSnapshot before = p.read(ZONE);
            RRset www = before.get("www.example.test.", "A");
            p.apply(ZONE, List.of(RRsetChange.of(ZONE, null, created),
                    RRsetChange.of(ZONE, www, www.withData(List.of("198.51.100.20")))));
        }
        try (DnsProvider fresh = world.provider()) {
            ZoneSnapshot after = fresh.read(ZONE);
            assertThat(after.get(created.key())).isEqualTo(created);
            assertThat(after.get("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "198.51.100.20"));
        }
        assertThat(live("contract.example.test.", "TXT")).isEqualTo(created);
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "198.51.100.20"));
    }

    @Test
    void aBatchWhoseBeforeImagesMatchLandsWhole() throws Exception {
        Map<String, RRset> original = zoneWithoutSoa();
        List<RRsetChange> batch;
        try (DnsProvider p = world.provider()) {
            ZoneSnapshot z = p.read(ZONE);
            RRset www = z.get("www.example.test.", "A");
            RRset mail = z.get("mail.example.test.", "A");
            RRset multi = z.get("multi.example.test.", "A");
            batch = List.of(RRsetChange.of(ZONE, www, www.withData(List.of("198.51.100.20"))),
                    RRsetChange.of(ZONE, mail, mail.withTtl(300)),
                    RRsetChange.of(ZONE, multi, null),
                    RRsetChange.of(ZONE, null, rrset("new.example.test.", "AAAA", 300, "2001:db8::7")));
            p.apply(ZONE, batch);
        }
        Map<String, RRset> expected = new HashMap<>(original);
        for (RRsetChange c : batch) {
            if (c.after() == null) expected.remove(c.key().toString());
            else expected.put(c.key().toString(), c.after());
            assertThat(live(c.key().name(), c.key().type())).as(c.key().toString()).isEqualTo(c.after());
        }
        assertThat(zoneWithoutSoa()).isEqualTo(expected);
    }

    @Test
    void aStaleBeforeImageIsAConflictAndNothingOfTheBatchIsWritten() throws Exception {
        Map<String, RRset> expected;
        try (DnsProvider p = world.provider()) {
            ZoneSnapshot z = p.read(ZONE);
            RRset www = z.get("www.example.test.", "A");
            RRset mail = z.get("mail.example.test.", "A");
            world.foreignChange("www.example.test.", "A", 3600, "192.0.2.77");
            expected = zoneWithoutSoa();
            List<RRsetChange> batch = List.of(
                    RRsetChange.of(ZONE, mail, mail.withData(List.of("198.51.100.25"))), // fine on its own
                    RRsetChange.of(ZONE, www, www.withData(List.of("198.51.100.20"))), // stale
                    RRsetChange.of(ZONE, null, rrset("new.example.test.", "A", 300, "192.0.2.9")));
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply(ZONE, batch));
            assertThat(e).as("apply must refuse a stale before-image").isNotNull();
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFLICT);
            assertThat(e.conflicts()).contains(new RRsetKey("www.example.test.", "A"));
            assertThat(e.getMessage()).contains("www.example.test. A");
        }
        assertThat(zoneWithoutSoa()).isEqualTo(expected);
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "192.0.2.77"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 7200, "203.0.113.25"));
        assertThat(live("new.example.test.", "A")).isNull();
    }

    @Test
    void creatingAnRRsetThatExistsIsAConflict() throws Exception {
        Map<String, RRset> expected = zoneWithoutSoa();
        try (DnsProvider p = world.provider()) {
            p.read(ZONE);
            List<RRsetChange> batch = List.of(RRsetChange.of(ZONE, null, rrset("new.example.test.", "A", 300, "192.0.2.9")),
                    RRsetChange.of(ZONE, null, rrset("www.example.test.", "A", 300, "198.51.100.20")));
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply(ZONE, batch));
            assertThat(e).as("apply must refuse to create what exists").isNotNull();
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFLICT);
            assertThat(e.conflicts()).contains(new RRsetKey("www.example.test.", "A"));
        }
        assertThat(zoneWithoutSoa()).isEqualTo(expected);
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "203.0.113.10"));
    }

    /** RFC 1034 §3.6.2: a CNAME has its name to itself, so the delete must go first whatever the batch's order. */
    @Test
    void deletesGoBeforeAddsSoACnameAndAnATradePlacesAtOneName() throws Exception {
        RRset cname = rrset("alias.example.test.", "CNAME", 3600, "www.example.test.");
        RRset a = rrset("alias.example.test.", "A", 300, "198.51.100.30");
        try (DnsProvider p = world.provider()) {
            assertThat(p.read(ZONE).get(cname.key())).isEqualTo(cname);
            p.apply(ZONE, List.of(RRsetChange.of(ZONE, null, a), RRsetChange.of(ZONE, cname, null))); // add listed first
        }
        assertThat(live("alias.example.test.", "CNAME")).isNull();
        assertThat(live("alias.example.test.", "A")).isEqualTo(a);
        try (DnsProvider p = world.provider()) {
            p.read(ZONE);
            p.apply(ZONE, List.of(RRsetChange.of(ZONE, a, null), RRsetChange.of(ZONE, null, cname))); // delete first
        }
        assertThat(live("alias.example.test.", "A")).isNull();
        assertThat(live("alias.example.test.", "CNAME")).isEqualTo(cname);
    }

    @Test
    void batchesKeepEveryChangeOnceAndEachBatchWithinTheLimits() throws Exception {
        List<RRsetChange> changes = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            String name = "n" + i + ".example.test.";
            List<String> data = new ArrayList<>();
            for (int r = 0; r < 1 + i % 4; r++) data.add("\"" + "x".repeat(40 + i % 200) + r + "\"");
            RRset txt = RRset.of(name, "TXT", 300, data);
            changes.add(switch (i % 3) {
                case 0 -> RRsetChange.of(ZONE, null, txt);
                case 1 -> RRsetChange.of(ZONE, txt, txt.withTtl(60));
                default -> RRsetChange.of(ZONE, txt, null);
            });
            if (i % 50 == 0) { // a name where a CNAME gives way to an A, listed add first
                String swap = "swap" + i + ".example.test.";
                changes.add(RRsetChange.of(ZONE, null, rrset(swap, "A", 300, "192.0.2.1")));
                changes.add(RRsetChange.of(ZONE, rrset(swap, "CNAME", 300, "www.example.test."), null));
            }
        }
        try (DnsProvider p = world.provider()) {
            List<List<RRsetChange>> batches = p.batches(ZONE, changes);
            List<RRsetChange> flat = batches.stream().flatMap(List::stream).toList();
            assertThat(flat).containsExactlyInAnyOrderElementsOf(changes);
            Map<RRsetKey, Integer> batchOf = new HashMap<>();
            for (int b = 0; b < batches.size(); b++) {
                List<RRsetChange> batch = batches.get(b);
                assertThat(batch).isNotEmpty();
                assertThat(batch.size()).isLessThanOrEqualTo(p.capabilities().maxBatch());
                assertWithinRequestLimits(batch);
                for (RRsetChange c : batch) batchOf.put(c.key(), b);
            }
            for (RRsetChange c : changes) {
                if (c.key().name().startsWith("swap") && c.after() != null) {
                    RRsetKey deleted = new RRsetKey(c.key().name(), "CNAME");
                    assertThat(batchOf.get(deleted)).as("the delete at " + c.key().name() + " is not in a later batch")
                            .isLessThanOrEqualTo(batchOf.get(c.key()));
                }
            }
        }
    }

    @Test
    void aReadAfterAWriteShowsTheAfterImages() throws Exception {
        try (DnsProvider p = world.provider()) {
            ZoneSnapshot z = p.read(ZONE);
            RRset mx = z.get(ZONE, "MX");
            RRset aaaa = z.get("www.example.test.", "AAAA");
            List<RRsetChange> batch = List.of(RRsetChange.of(ZONE, mx, mx.withTtl(300)),
                    RRsetChange.of(ZONE, aaaa, aaaa.withData(Rdata.normaliseAll("AAAA", List.of("2001:db8:20::20", "2001:db8:20::21"), ZONE))));
            p.apply(ZONE, batch);
            ZoneSnapshot after = p.read(ZONE, batch.stream().map(RRsetChange::key).toList());
            for (RRsetChange c : batch) assertThat(after.get(c.key())).as(c.key().toString()).isEqualTo(c.after());
            if (p.capabilities().meaningfulSerial()) assertThat(after.serial()).isNotEqualTo(z.serial());
        }
    }

    // ------------------------------------------------------------------ the cutover through the CLI

    @Test
    void wholeCycleStepByStepThenRollbackRestoresEveryRRset() throws Exception {
        Map<String, RRset> original = zoneWithoutSoa();

        Cli.Run plan = migrate("plan", "--now", "2030-01-06T12:00:00Z");
        assertThat(plan.code()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("www A").contains("198.51.100.20").contains("mail A").contains("safe");

        Cli.Run lower = migrate("apply", "--now", "2030-01-07T12:00:00Z"); // T-72h
        assertThat(lower.code()).as(lower.all()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 300, "2001:db8:10::10"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 300, "203.0.113.25"));
        assertThat(live("multi.example.test.", "A")).isEqualTo(rrset("multi.example.test.", "A", 300, "192.0.2.1", "192.0.2.2"));
        assertThat(live(ZONE, "TXT")).isNull();
        assertThat(live(ZONE, "A")).isEqualTo(original.get("example.test. A")); // untouched

        Cli.Run verify = migrate("apply", "--now", "2030-01-09T12:00:00Z"); // T-24h
        assertThat(verify.code()).as(verify.all()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));

        Cli.Run swap = migrate("apply", "--now", T);
        assertThat(swap.code()).as(swap.all()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "198.51.100.20"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 300, "2001:db8:20::20"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 300, "198.51.100.25"));
        assertThat(live("multi.example.test.", "A")).isNull();
        assertThat(live(ZONE, "TXT")).isEqualTo(rrset(ZONE, "TXT", 300, "\"v=spf1 ip4:198.51.100.25 -all\""));

        Cli.Run confirm = migrate("apply", "--now", "2030-01-10T12:05:00Z"); // T+5m
        assertThat(confirm.code()).as(confirm.all()).isZero();

        Cli.Run restore = migrate("apply", "--now", "2030-01-11T12:00:00Z"); // T+24h
        assertThat(restore.code()).as(restore.all()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "198.51.100.20"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 3600, "2001:db8:20::20"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 7200, "198.51.100.25"));
        // created by the swap: takes the SOA's TTL (PhaseChanges.restoreTtl)
        assertThat(live(ZONE, "TXT")).isEqualTo(rrset(ZONE, "TXT", createdRestoredTtl(), "\"v=spf1 ip4:198.51.100.25 -all\""));

        Cli.Run status = migrate("status", "--now", "2030-01-11T12:01:00Z");
        assertThat(status.code()).as(status.all()).isZero();

        Cli.Run rollback = migrate("rollback", "--now", "2030-01-11T13:00:00Z");
        assertThat(rollback.code()).as(rollback.all()).isZero();
        // the old data at once, the lowered TTL for a day (a retry needs no new lowering), then the original
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));
        Cli.Run restoreAfter = migrate("apply", "--now", "2030-01-12T13:00:00Z");
        assertThat(restoreAfter.code()).as(restoreAfter.all()).isZero();
        assertThat(zoneWithoutSoa()).isEqualTo(original);
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "203.0.113.10"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 7200, "203.0.113.25"));
        assertThat(live(ZONE, "TXT")).isNull();
        assertNoPendingBatches();
    }

    @Test
    void aRecordChangedBySomeoneElseBeforeTheSwapIsRefusedAndLeftAlone() throws Exception {
        assertThat(migrate("apply", "--now", "2030-01-07T12:00:00Z").code()).isZero();
        assertThat(migrate("apply", "--now", "2030-01-09T12:00:00Z").code()).isZero();
        world.foreignChange("www.example.test.", "A", 300, "192.0.2.77");

        Cli.Run swap = migrate("apply", "--now", T);
        assertThat(swap.code()).as(swap.all()).isEqualTo(4);
        assertThat(swap.err()).contains("www.example.test. A").contains("192.0.2.77");
        // Left alone, and the rest of the swap's batch did not land either.
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "192.0.2.77"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 300, "2001:db8:10::10"));
        assertThat(live(ZONE, "TXT")).isNull();
        assertNoPendingBatches();
    }

    // ------------------------------------------------------------------ helpers for subclasses

    /** What a nameserver on 127.0.0.1 answers for name/type, asked directly (RD=0); null when it has no such RRset. */
    public static RRset askServer(int port, String name, String type) throws IOException {
        Name n = Name.fromString(name, Name.root);
        int t = Type.value(type);
        Message q = Message.newQuery(Record.newRecord(n, t, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(java.time.Duration.ofSeconds(3));
        Message m = r.send(q);
        if (m.getRcode() != Rcode.NOERROR && m.getRcode() != Rcode.NXDOMAIN) {
            throw new IOException(name + " " + type + ": " + Rcode.string(m.getRcode()));
        }
        List<Record> rs = m.getSection(Section.ANSWER).stream()
                .filter(x -> x.getType() == t && x.getName().equals(n)).toList();
        if (rs.isEmpty()) return null;
        long ttl = rs.stream().mapToLong(Record::getTTL).min().orElseThrow();
        return RRset.of(name, type, ttl, rs.stream().map(Record::rdataToString).toList());
    }
}
