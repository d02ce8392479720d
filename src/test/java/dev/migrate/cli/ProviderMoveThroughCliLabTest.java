package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.DelegationLab;
import dev.migrate.lab.LabTest;
import dev.migrate.testing.Cli;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * A provider move through {@code migrate apply}, on real servers and real time (each phase run with
 * {@code --phase} as its time comes): copy-zone from BIND (rfc2136) to PowerDNS; compare, and
 * {@code migrate check --compare}, find and name a difference injected at the new provider (exit 3);
 * lower-ttl, the swap and its confirm at both providers; delegate; the registrar's nsupdate at the lab
 * parent, seen by await-delegation on both parent servers; the old provider's apex NS then names the new
 * set; the soak ({@code delegated+parent-ttl}) is due parent NS TTL + old NS TTL + margin later, and
 * release-old is held (exit 4) before it and let through after. Unbound, resolving from the lab root all
 * along, never answers SERVFAIL, and in the end answers from the new provider with the old one stopped.
 * A confirm that fails on a new server rolls back both providers; a rollback after delegate sends the
 * operator to the registrar and watches the parent; before delegate it removes the copy.
 */
@LabTest
class ProviderMoveThroughCliLabTest {
    static final String RECORDS = """
            www 10 IN A 192.0.2.10
            @ 300 IN MX 10 mail.shop.test.
            mail 300 IN A 192.0.2.25
            txt 300 IN TXT "hello lab"
            """;

    /** The whole move with a web swap on the way; {@code live} waits up to 5 s. */
    static final String STORY = """
            changes:
              - { name: www, type: A, from: [192.0.2.10], to: [192.0.2.20] }
            phases:
              - { id: copy,      at: T-1m, action: copy-zone }
              - { id: same,      at: T-1m, action: compare, timeout: 3s }
              - { id: lower-ttl, at: T-1m, action: lower-ttl, timeout: 10s }
              - { id: swap,      at: T,    action: swap }
              - { id: live,      at: T,    action: confirm, timeout: 5s }
              - { id: delegate,  at: T,    action: delegate }
              - { id: delegated, at: T,    action: await-delegation, timeout: 1m }
              - { id: soak,      at: delegated+parent-ttl, action: verify }
              - { id: release,   at: soak, action: release-old }
            """;

    /** The move without a swap (the first helper's timeline). */
    static final String MOVE_ONLY = """
            phases:
              - { id: copy,      at: T-1m, action: copy-zone }
              - { id: same,      at: T-1m, action: compare, timeout: 3s }
              - { id: delegate,  at: T,    action: delegate }
              - { id: delegated, at: T,    action: await-delegation, timeout: 1m }
              - { id: release,   at: T,    action: release-old }
            """;

    @TempDir
    Path dir;

    Path plan(DelegationLab lab, Instant cutover) throws Exception {
        return plan(lab, cutover, "", MOVE_ONLY, List.of());
    }

    /**
     * @param moreMove  extra lines of the move: block (indented two spaces)
     * @param timeline  changes: and phases: of the plan
     * @param moreNew   more addresses of the new provider's servers
     */
    Path plan(DelegationLab lab, Instant cutover, String moreMove, String timeline, List<String> moreNew) throws Exception {
        Files.writeString(dir.resolve("old.secret"), lab.oldProvider().key().secret() + "\n");
        Files.writeString(dir.resolve("pdns.key"), lab.newProvider().apiKey() + "\n");
        Path plan = dir.resolve("shop-move.yaml");
        List<String> servers = new java.util.ArrayList<>(List.of(lab.newServerAddress(),
                lab.addressOf("ns2.new-dns.test.").getHostAddress()));
        servers.addAll(moreNew);
        Files.writeString(plan, """
                name: shop-move
                cutover: %s
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: old.secret }
                  read: axfr
                  timeout: 2s
                zones: [shop.test]
                ttl: { lowered: 5, margin: 1s }
                nameservers: ["%s"]
                propagation: { interval: 1s, queryTimeout: 1s, tries: 2, rounds: 2 }
                move:
                  to: { type: powerdns, url: "%s", apiKeyFile: pdns.key }
                  nameservers: [ns1.new-dns.test., ns2.new-dns.test.]
                  servers: [%s]
                  parent: [%s]
                %s
                %s""".formatted(cutover, lab.oldProvider().port(), lab.oldProvider().key().name(),
                lab.oldProvider().key().algorithm(), lab.oldServerAddress(), lab.newProvider().apiUrl(),
                quoted(servers), quoted(lab.parentAddresses()), moreMove, timeline));
        return plan;
    }

    static String quoted(List<String> addresses) {
        return String.join(", ", addresses.stream().map(a -> "\"" + a + "\"").toList());
    }

    static Cli.Run apply(Path plan, String phase) {
        return Cli.migrate("apply", plan.toString(), "--phase", phase);
    }

    /** A client asking Unbound for www every 100 ms, counting each answer by rcode, until stopped (bounded). */
    static final class Client implements AutoCloseable {
        final Map<String, AtomicInteger> rcodes = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        Client(DelegationLab lab) {
            thread = new Thread(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (!stop.get() && System.nanoTime() < until) {
                    try {
                        rcodes.computeIfAbsent(Rcode.string(resolve(lab).getRcode()), k -> new AtomicInteger()).incrementAndGet();
                        Thread.sleep(100);
                    } catch (Exception e) {
                        rcodes.computeIfAbsent("no answer", k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(5000);
        }
    }

    @Test
    void theZoneMovesToTheNewProviderWithEveryChangeAtBothAndTheOldOneIsLetGoOnlyAfterTheSoak() throws Exception {
        try (DelegationLab lab = DelegationLab.builder().records(RECORDS).parentNsTtl(5).childNsTtl(5)
                .parentSecondary(true).start()) {
            Path plan = plan(lab, Instant.now(), "", STORY, List.of());
            int pdns = lab.newProvider().dnsPort();
            int old = lab.oldProvider().port();
            Client client = new Client(lab);

            Cli.Run copy = apply(plan, "copy");
            assertThat(copy.code()).as(copy.all()).isZero();
            assertThat(served(pdns, "txt.shop.test.", Type.TXT)).containsExactly("\"hello lab\"");
            assertThat(served(pdns, "shop.test.", Type.NS)).containsExactlyInAnyOrder("ns1.new-dns.test.", "ns2.new-dns.test.");

            // A difference at the new provider is found, named by RRset and address, by compare and by check --compare.
            patch(lab, "www.shop.test.", "A", 10, "192.0.2.66");
            Cli.Run differs = apply(plan, "same");
            assertThat(differs.code()).as(differs.all()).isEqualTo(3);
            assertThat(differs.all()).contains(lab.newServerAddress() + " www.shop.test. A: different data: serves 192.0.2.66")
                    .contains(lab.addressOf("ns2.new-dns.test.").getHostAddress() + ":53 www.shop.test. A: different data");
            Cli.Run check = Cli.migrate("check", plan.toString(), "--compare");
            assertThat(check.code()).as(check.all()).isEqualTo(3);
            assertThat(check.out()).contains(lab.newServerAddress() + "  1 difference")
                    .contains("www.shop.test. A: different data: serves 192.0.2.66").contains("1/1 zone(s) differ");
            patch(lab, "www.shop.test.", "A", 10, "192.0.2.10");
            Cli.Run checked = Cli.migrate("check", plan.toString(), "--compare", "--output", "json");
            assertThat(checked.code()).as(checked.all()).isZero();
            assertThat(checked.out()).containsPattern("\"identical\"\\s*:\\s*true").doesNotContainPattern("\"identical\"\\s*:\\s*false");
            Cli.Run same = apply(plan, "same");
            assertThat(same.code()).as(same.all()).isZero();
            assertThat(same.out()).contains("2/2 new nameserver addresses serve all");

            // lower-ttl at both, and confirmed on the old server and both new addresses.
            Cli.Run lower = apply(plan, "lower-ttl");
            assertThat(lower.code()).as(lower.all()).isZero();
            assertThat(lower.out()).contains("(at both providers: the old one and move.to)")
                    .contains("the new provider's servers: live: 2/2");
            assertThat(servedTtl(old, "www.shop.test.", Type.A)).isEqualTo(5);
            assertThat(servedTtl(pdns, "www.shop.test.", Type.A)).isEqualTo(5);
            Instant safe = Instant.parse(find(lower.out(), "earliest safe swap (\\S+)"));
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), safe).toMillis() + 200));

            Cli.Run swap = apply(plan, "swap");
            assertThat(swap.code()).as(swap.all()).isZero();
            assertThat(served(old, "www.shop.test.", Type.A)).containsExactly("192.0.2.20");
            assertThat(served(pdns, "www.shop.test.", Type.A)).containsExactly("192.0.2.20");
            Cli.Run live = apply(plan, "live");
            assertThat(live.code()).as(live.all()).isZero();
            assertThat(live.out()).contains("the old provider's servers: live: 1/1").contains("the new provider's servers: live: 2/2");

            Cli.Run delegate = apply(plan, "delegate");
            assertThat(delegate.code()).as(delegate.all()).isZero();
            assertThat(delegate.out()).contains("set the NS of shop.test. to [ns1.new-dns.test., ns2.new-dns.test.]");

            lab.registrar(lab.newNameservers(), 5);
            Cli.Run delegated = apply(plan, "delegated");
            assertThat(delegated.code()).as(delegated.all()).isZero();
            assertThat(delegated.out()).contains("all 2 parent addresses delegate shop.test. to ns1.new-dns.test., ns2.new-dns.test.");
            Instant releaseAt = Instant.parse(find(delegated.out(), "keeps serving until (\\S+) \\(parent NS TTL 5 s \\+ old NS TTL 5 s"));
            // The old provider's own NS set now sends whoever still asks it to the new servers.
            assertThat(served(old, "shop.test.", Type.NS)).containsExactlyInAnyOrder("ns1.new-dns.test.", "ns2.new-dns.test.");
            // The soak phase is due exactly then (delegated+parent-ttl, measured from what the parent served).
            Cli.Run status = Cli.migrate("status", plan.toString());
            assertThat(status.out()).contains("next: soak at " + releaseAt);

            assertThat(apply(plan, "soak").code()).isZero();
            Cli.Run early = apply(plan, "release");
            assertThat(Instant.now()).isBefore(releaseAt);
            assertThat(early.code()).as(early.all()).isEqualTo(4);
            assertThat(early.all()).contains("must keep serving until " + releaseAt);

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), releaseAt).toMillis() + 200));
            Cli.Run release = apply(plan, "release");
            assertThat(release.code()).as(release.all()).isZero();
            assertThat(release.out()).contains("the old provider may be let go");

            // With the old provider gone, a fresh lookup follows the new delegation and answers the swapped data.
            lab.oldProvider().close();
            lab.resolver().flushZone("shop.test.");
            Message after = resolve(lab);
            assertThat(Rcode.string(after.getRcode())).isEqualTo("NOERROR");
            assertThat(after.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("192.0.2.20");
            client.close();
            assertThat(client.rcodes).as("every answer Unbound gave while the zone moved").containsOnlyKeys("NOERROR");
            assertThat(Cli.migrate("status", plan.toString()).out()).contains("release").contains("done");
        }
    }

    @Test
    void aConfirmThatFailsOnANewServerRollsTheSwapBackAtBothProviders() throws Exception {
        try (DelegationLab lab = DelegationLab.builder().records(RECORDS).start()) {
            Path plan = plan(lab, Instant.now(), "", STORY, List.of());
            int pdns = lab.newProvider().dnsPort();
            int old = lab.oldProvider().port();
            for (String phase : List.of("copy", "same", "lower-ttl")) {
                Cli.Run r = apply(plan, phase);
                assertThat(r.code()).as(phase + ": " + r.all()).isZero();
            }
            // One of the new provider's servers stops taking updates (it keeps the lowered zone).
            String frozen = lab.frozenCopyOfNewProvider();
            plan = plan(lab, Instant.now(), "", STORY, List.of(frozen));
            Thread.sleep(11_200); // the original TTL (10 s) + margin (1 s) after the lowering
            Cli.Run swap = apply(plan, "swap");
            assertThat(swap.code()).as(swap.all()).isZero();
            assertThat(served(pdns, "www.shop.test.", Type.A)).containsExactly("192.0.2.20");

            Cli.Run live = apply(plan, "live");
            assertThat(live.code()).as(live.all()).isEqualTo(3);
            assertThat(live.all()).contains(frozen).contains("Rolled back swap only")
                    .contains("on every authoritative address");
            // Both providers serve the old data again, at the lowered TTL.
            assertThat(served(old, "www.shop.test.", Type.A)).containsExactly("192.0.2.10");
            assertThat(served(pdns, "www.shop.test.", Type.A)).containsExactly("192.0.2.10");
            assertThat(servedTtl(old, "www.shop.test.", Type.A)).isEqualTo(5);
            assertThat(servedTtl(pdns, "www.shop.test.", Type.A)).isEqualTo(5);
            String journal = Files.readString(dir.resolve(".migrate/shop-move/journal.jsonl"));
            assertThat(journal.lines().filter(l -> l.contains("\"event\":\"intent\"") && l.contains("\"phase\":\"rollback\"")
                    && l.contains("\"provider\":\"move.to\""))).hasSize(1);
        }
    }

    @Test
    void aRollbackAfterTheDelegationSendsTheOperatorToTheRegistrarAndWatchesTheParent() throws Exception {
        try (DelegationLab lab = DelegationLab.builder().records(RECORDS).parentNsTtl(5).childNsTtl(5).start()) {
            Path plan = plan(lab, Instant.now(), "", MOVE_ONLY.replace("timeout: 1m", "timeout: 5s"), List.of());
            Client client = new Client(lab);
            for (String phase : List.of("copy", "same", "delegate")) {
                Cli.Run r = apply(plan, phase);
                assertThat(r.code()).as(phase + ": " + r.all()).isZero();
            }
            lab.registrar(lab.newNameservers(), 5);
            assertThat(apply(plan, "delegated").code()).isZero();
            assertThat(served(lab.oldProvider().port(), "shop.test.", Type.NS))
                    .containsExactlyInAnyOrder("ns1.new-dns.test.", "ns2.new-dns.test.");

            // Nobody puts the old NS set back at the registrar: the rollback says to, watches, and gives up at
            // await-delegation's timeout after it started (exit 3).
            Cli.Run rollback = Cli.migrate("rollback", plan.toString());
            assertThat(rollback.code()).as(rollback.all()).isEqualTo(3);
            assertThat(rollback.all()).contains("at the registrar, set the NS of shop.test. to [ns1.old-dns.test.,"
                    + " ns2.old-dns.test.] again").contains("does not serve that everywhere by");
            // The old provider names its own servers again; the copy stays at the new provider, serving.
            assertThat(served(lab.oldProvider().port(), "shop.test.", Type.NS))
                    .containsExactlyInAnyOrder("ns1.old-dns.test.", "ns2.old-dns.test.");
            assertThat(served(lab.newProvider().dnsPort(), "www.shop.test.", Type.A)).containsExactly("192.0.2.10");

            lab.registrar(lab.oldNameservers(), 5);
            Cli.Run again = Cli.migrate("rollback", plan.toString());
            assertThat(again.code()).as(again.all()).isZero();
            assertThat(again.out()).contains("nothing to undo").contains("all 1 parent addresses delegate shop.test. to"
                    + " ns1.old-dns.test., ns2.old-dns.test.").contains("The new provider keeps its copy");
            client.close();
            assertThat(client.rcodes).as("every answer Unbound gave while the delegation went back").containsOnlyKeys("NOERROR");
            // The delegation phases count as taken back: a restart begins again from delegate.
            Cli.Run status = Cli.migrate("status", plan.toString(), "--output", "json");
            assertThat(state(status.out(), "delegate")).isEqualTo("rolled-back");
            assertThat(state(status.out(), "delegated")).isEqualTo("rolled-back");
            assertThat(state(status.out(), "copy")).isEqualTo("done");
        }
    }

    @Test
    void aRollbackBeforeTheDelegationRemovesTheCopyAndLeavesTheOldZoneAlone() throws Exception {
        try (DelegationLab lab = DelegationLab.builder().records(RECORDS).start()) {
            Path plan = plan(lab, Instant.now().plusSeconds(3600), "", STORY, List.of());
            assertThat(apply(plan, "copy").code()).isZero();
            assertThat(apply(plan, "same").code()).isZero();
            Cli.Run lower = apply(plan, "lower-ttl");
            assertThat(lower.code()).as(lower.all()).isZero();
            assertThat(servedTtl(lab.newProvider().dnsPort(), "www.shop.test.", Type.A)).isEqualTo(5);
            // A move's lower-ttl lowers the old zone's apex NS too (60 s in this lab).
            assertThat(servedTtl(lab.oldProvider().port(), "shop.test.", Type.NS)).isEqualTo(5);

            Cli.Run rollback = Cli.migrate("rollback", plan.toString(), "--restore-ttl", "now");
            assertThat(rollback.code()).as(rollback.all()).isZero();
            // The new provider holds again only what it had: its SOA and its own NS.
            assertThat(served(lab.newProvider().dnsPort(), "www.shop.test.", Type.A)).isEmpty();
            assertThat(served(lab.newProvider().dnsPort(), "shop.test.", Type.NS))
                    .containsExactlyInAnyOrder("ns1.new-dns.test.", "ns2.new-dns.test.");
            assertThat(served(lab.newProvider().dnsPort(), "shop.test.", Type.MX)).isEmpty();
            // The old provider has its old data and, with the restore, its original TTL.
            assertThat(served(lab.oldProvider().port(), "www.shop.test.", Type.A)).containsExactly("192.0.2.10");
            assertThat(servedTtl(lab.oldProvider().port(), "www.shop.test.", Type.A)).isEqualTo(10);
            assertThat(served(lab.oldProvider().port(), "shop.test.", Type.NS))
                    .containsExactlyInAnyOrder("ns1.old-dns.test.", "ns2.old-dns.test.");
            assertThat(servedTtl(lab.oldProvider().port(), "shop.test.", Type.NS)).isEqualTo(60);
        }
    }

    @Test
    void aDsAtTheParentStopsTheDelegationUntilThePlanSaysHowAndRemoveDsFirstWaitsOutItsTtl() throws Exception {
        try (DelegationLab lab = DelegationLab.builder().records(RECORDS).start()) {
            lab.addDs("12345 13 2 " + "AB".repeat(32), 3);
            Path plan = plan(lab, Instant.now());
            assertThat(apply(plan, "copy").code()).isZero();
            assertThat(apply(plan, "same").code()).isZero();
            Cli.Run unsaid = apply(plan, "delegate");
            assertThat(unsaid.code()).as(unsaid.all()).isEqualTo(4);
            // The new provider does not sign the zone: whatever the plan says, the DS must go first.
            assertThat(unsaid.all()).contains("the parent holds a DS for shop.test. (TTL 3 s) and the new provider does not"
                    + " sign the zone").contains("SERVFAIL");

            plan = plan(lab, Instant.now(), "  dnssec: remove-ds-first", MOVE_ONLY, List.of());
            assertThat(apply(plan, "delegate").code()).isEqualTo(4);
            lab.removeDs();
            Cli.Run held = apply(plan, "delegate");
            assertThat(held.code()).as(held.all()).isEqualTo(4);
            assertThat(held.all()).contains("delegate waits until").contains("was last served with TTL 3 s");
            Instant until = Instant.parse(find(held.all(), "delegate waits until (\\S+) "));
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), until).toMillis() + 200));
            Cli.Run go = apply(plan, "delegate");
            assertThat(go.code()).as(go.all()).isZero();
            assertThat(go.out()).contains("set the NS of shop.test. to");
        }
    }

    static Message resolve(DelegationLab lab) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", lab.resolver().port()));
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString("www.shop.test."), Type.A, DClass.IN)));
    }

    /** What a server itself holds (RD=0). */
    static List<String> served(int port, String name, int type) throws Exception {
        return ask(port, name, type).stream().map(Record::rdataToString).toList();
    }

    /** The TTL a server itself serves an RRset with (RD=0), or -1. */
    static long servedTtl(int port, String name, int type) throws Exception {
        return ask(port, name, type).stream().mapToLong(Record::getTTL).findFirst().orElse(-1);
    }

    static List<Record> ask(int port, String name, int type) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(q).getSection(Section.ANSWER).stream().filter(x -> x.getType() == type).toList();
    }

    static void patch(DelegationLab lab, String name, String type, long ttl, String content) {
        String body = "{\"rrsets\":[{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"ttl\":" + ttl
                + ",\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"" + content + "\",\"disabled\":false}]}]}";
        var r = lab.newProvider().api("PATCH", "/api/v1/servers/localhost/zones/shop.test.", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    /** A phase's state in {@code migrate status --output json}. */
    static String state(String json, String phase) {
        return find(json, "\"id\"\\s*:\\s*\"" + phase + "\"[^}]*\"state\"\\s*:\\s*\"([a-z-]+)\"");
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("no " + regex + " in " + text).isTrue();
        return m.group(1);
    }
}
