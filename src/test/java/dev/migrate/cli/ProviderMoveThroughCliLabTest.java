package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.DelegationLab;
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
 * A provider move through {@code migrate apply}, on real servers and real time (T-offsets; each phase run
 * with {@code --phase} as its time comes): copy-zone from BIND (rfc2136) to PowerDNS, compare (a difference
 * injected at the new provider is found, named, and fails with exit 3), delegate, the registrar's nsupdate
 * at the lab parent, await-delegation, release-old held (exit 4) before parent NS TTL + old NS TTL + margin
 * and let through after. Unbound, resolving from the lab root all along, never answers SERVFAIL, and in the
 * end answers from the new provider with the old one stopped.
 */
class ProviderMoveThroughCliLabTest {
    static final String RECORDS = """
            www 5 IN A 192.0.2.10
            @ 300 IN MX 10 mail.shop.test.
            mail 300 IN A 192.0.2.25
            txt 300 IN TXT "hello lab"
            """;

    @TempDir
    Path dir;

    Path plan(DelegationLab lab, Instant cutover) throws Exception {
        return plan(lab, cutover, "");
    }

    /** @param moreMove extra lines of the move: block (indented two spaces) */
    Path plan(DelegationLab lab, Instant cutover, String moreMove) throws Exception {
        Files.writeString(dir.resolve("old.secret"), lab.oldProvider().key().secret() + "\n");
        Files.writeString(dir.resolve("pdns.key"), lab.newProvider().apiKey() + "\n");
        Path plan = dir.resolve("shop-move.yaml");
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
                propagation: { interval: 1s, queryTimeout: 1s, tries: 2, rounds: 2 }
                move:
                  to: { type: powerdns, url: "%s", apiKeyFile: pdns.key }
                  nameservers: [ns1.new-dns.test., ns2.new-dns.test.]
                  servers: ["%s", "%s"]
                  parent: ["%s"]
                %s
                phases:
                  - { id: copy,      at: T-1m, action: copy-zone }
                  - { id: same,      at: T-1m, action: compare, timeout: 3s }
                  - { id: delegate,  at: T,    action: delegate }
                  - { id: delegated, at: T,    action: await-delegation, timeout: 1m }
                  - { id: release,   at: T,    action: release-old }
                """.formatted(cutover, lab.oldProvider().port(), lab.oldProvider().key().name(),
                lab.oldProvider().key().algorithm(), lab.newProvider().apiUrl(), lab.newServerAddress(),
                lab.addressOf("ns2.new-dns.test.").getHostAddress(), lab.parentAddress(), moreMove));
        return plan;
    }

    static Cli.Run apply(Path plan, String phase) {
        return Cli.migrate("apply", plan.toString(), "--phase", phase);
    }

    @Test
    void theZoneMovesToTheNewProviderAndTheOldOneIsLetGoOnlyAfterTheSoak() throws Exception {
        try (DelegationLab lab = DelegationLab.builder().records(RECORDS).parentNsTtl(5).childNsTtl(5).start()) {
            Path plan = plan(lab, Instant.now());
            // A client asks Unbound all along; every answer is counted by rcode.
            Map<String, AtomicInteger> rcodes = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread client = new Thread(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(120).toNanos(); // bounded
                while (!stop.get() && System.nanoTime() < until) {
                    try {
                        rcodes.computeIfAbsent(Rcode.string(resolve(lab).getRcode()), k -> new AtomicInteger()).incrementAndGet();
                        Thread.sleep(100);
                    } catch (Exception e) {
                        rcodes.computeIfAbsent("no answer", k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            });
            client.setDaemon(true);
            client.start();

            Cli.Run copy = apply(plan, "copy");
            assertThat(copy.code()).as(copy.all()).isZero();
            assertThat(served(lab.newProvider().dnsPort(), "txt.shop.test.", Type.TXT)).containsExactly("\"hello lab\"");
            assertThat(served(lab.newProvider().dnsPort(), "shop.test.", Type.NS))
                    .containsExactlyInAnyOrder("ns1.new-dns.test.", "ns2.new-dns.test.");

            // A difference at the new provider is found, named by RRset and address, and fails the compare.
            patch(lab, "www.shop.test.", "A", 5, "192.0.2.66");
            Cli.Run differs = apply(plan, "same");
            assertThat(differs.code()).as(differs.all()).isEqualTo(3);
            assertThat(differs.all()).contains(lab.newServerAddress() + " www.shop.test. A: different data: serves 192.0.2.66")
                    .contains(lab.addressOf("ns2.new-dns.test.").getHostAddress() + ":53 www.shop.test. A: different data");
            patch(lab, "www.shop.test.", "A", 5, "192.0.2.10");
            Cli.Run same = apply(plan, "same");
            assertThat(same.code()).as(same.all()).isZero();
            assertThat(same.out()).contains("2/2 new nameserver addresses serve all");

            Cli.Run delegate = apply(plan, "delegate");
            assertThat(delegate.code()).as(delegate.all()).isZero();
            assertThat(delegate.out()).contains("set the NS of shop.test. to [ns1.new-dns.test., ns2.new-dns.test.]");

            lab.registrar(lab.newNameservers(), 5);
            Cli.Run delegated = apply(plan, "delegated");
            assertThat(delegated.code()).as(delegated.all()).isZero();
            Instant releaseAt = Instant.parse(find(delegated.out(), "keeps serving until (\\S+) \\(parent NS TTL 5 s \\+ old NS TTL 5 s"));

            Cli.Run early = apply(plan, "release");
            assertThat(Instant.now()).isBefore(releaseAt);
            assertThat(early.code()).as(early.all()).isEqualTo(4);
            assertThat(early.all()).contains("must keep serving until " + releaseAt);

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), releaseAt).toMillis() + 200));
            Cli.Run release = apply(plan, "release");
            assertThat(release.code()).as(release.all()).isZero();
            assertThat(release.out()).contains("the old provider may be let go");

            // With the old provider gone, a fresh lookup follows the new delegation and still answers.
            lab.oldProvider().close();
            lab.resolver().flushZone("shop.test.");
            Message after = resolve(lab);
            assertThat(Rcode.string(after.getRcode())).isEqualTo("NOERROR");
            assertThat(after.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("192.0.2.10");
            stop.set(true);
            client.join(5000);
            assertThat(rcodes).as("every answer Unbound gave while the zone moved").containsOnlyKeys("NOERROR");
            Cli.Run status = Cli.migrate("status", plan.toString());
            assertThat(status.out()).contains("release").contains("done");
        }
    }

    @Test
    void aRollbackBeforeTheDelegationRemovesTheCopyAndLeavesTheOldZoneAlone() throws Exception {
        try (DelegationLab lab = DelegationLab.builder().records(RECORDS).start()) {
            Path plan = plan(lab, Instant.now().plusSeconds(3600));
            assertThat(apply(plan, "copy").code()).isZero();
            assertThat(served(lab.newProvider().dnsPort(), "www.shop.test.", Type.A)).containsExactly("192.0.2.10");

            Cli.Run rollback = Cli.migrate("rollback", plan.toString());
            assertThat(rollback.code()).as(rollback.all()).isZero();
            // The new provider holds again only what it had: its SOA and its own NS.
            assertThat(served(lab.newProvider().dnsPort(), "www.shop.test.", Type.A)).isEmpty();
            assertThat(served(lab.newProvider().dnsPort(), "shop.test.", Type.NS))
                    .containsExactlyInAnyOrder("ns1.new-dns.test.", "ns2.new-dns.test.");
            assertThat(served(lab.newProvider().dnsPort(), "shop.test.", Type.MX)).isEmpty();
            // The old provider was never touched.
            assertThat(served(lab.oldProvider().port(), "www.shop.test.", Type.A)).containsExactly("192.0.2.10");
            assertThat(served(lab.oldProvider().port(), "shop.test.", Type.NS))
                    .containsExactlyInAnyOrder("ns1.old-dns.test.", "ns2.old-dns.test.");
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

            plan = plan(lab, Instant.now(), "  dnssec: remove-ds-first");
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
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(q).getSection(Section.ANSWER).stream().filter(x -> x.getType() == type)
                .map(Record::rdataToString).toList();
    }

    static void patch(DelegationLab lab, String name, String type, long ttl, String content) {
        String body = "{\"rrsets\":[{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"ttl\":" + ttl
                + ",\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"" + content + "\",\"disabled\":false}]}]}";
        var r = lab.newProvider().api("PATCH", "/api/v1/servers/localhost/zones/shop.test.", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("no " + regex + " in " + text).isTrue();
        return m.group(1);
    }
}
