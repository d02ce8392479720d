package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import dev.migrate.lab.UnboundServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The Unbound "Done when" through {@code migrate apply} on real time: TTL 10 s lowered to 2 s by
 * the lower-ttl phase (confirmed on every authoritative address), the swap refused before the old 10 s
 * (+ margin) have passed since that confirmation, then let through at T; a client asking Unbound all the
 * while sees only the new answer from lowered TTL + one poll interval after the swap on.
 */
@LabTest
class UnboundCutoverThroughCliLabTest {
    static final String ZONE_TEXT = """
            $TTL 10
            @    IN SOA ns1.cut.test. hostmaster.cut.test. 1 3600 600 86400 1
            @    IN NS  ns1.cut.test.
            ns1  IN A   127.0.0.1
            www  IN A   192.0.2.10
            """;
    static final Duration LOWERED = Duration.ofSeconds(2);
    static final Duration INTERVAL = Duration.ofSeconds(2); // the plan default poll interval
    static final Duration RESOLVER_CLOCK = Duration.ofSeconds(1); // Unbound counts TTLs in whole seconds

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Run migrate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    record Seen(long sentNanos, boolean isNew) {}

    static List<String> ask(int port, boolean recursion) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(1));
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.cut.test."), Type.A, DClass.IN));
        if (!recursion) q.getHeader().unsetFlag(Flags.RD);
        return r.send(q).getSection(Section.ANSWER).stream().filter(x -> x.getType() == Type.A).map(Record::rdataToString).toList();
    }

    @Test
    void swapWaitsForTheOldTtlAndThenEveryAnswerIsNewWithinLoweredTtlPlusOnePoll() throws Exception {
        TsigKey key = TsigKey.random("lab-key");
        int secondaryPort = Ports.free();
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone("cut.test.", ZONE_TEXT, secondaryPort).start();
                BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
                        .addSecondaryZone("cut.test.", primary.port(), key, null).start();
                UnboundServer unbound = UnboundServer.builder().stubZone("cut.test.", primary.port()).start()) {
            // A client already has the answer with the original 10-s TTL in its resolver's cache.
            assertThat(ask(unbound.port(), true)).containsExactly("192.0.2.10");

            Instant cutover = Instant.now().plusSeconds(17).truncatedTo(ChronoUnit.SECONDS);
            Files.writeString(dir.resolve("key.secret"), key.secret() + "\n");
            Path plan = dir.resolve("cutover.yaml");
            Files.writeString(plan, """
                    name: unbound-cut
                    cutover: %s
                    provider:
                      type: rfc2136
                      server: "127.0.0.1:%d"
                      tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                      read: axfr
                      timeout: 2s
                    zones: [cut.test]
                    ttl: { lowered: 2, margin: 1s }
                    changes:
                      - { name: www, type: A, from: [192.0.2.10], to: [198.51.100.20] }
                    nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    propagation: { queryTimeout: 1s, tries: 2 }
                    phases:
                      - { id: lower-ttl,   at: T-17s, action: lower-ttl, timeout: 10s }
                      - { id: swap,        at: T,     action: swap }
                      - { id: confirm,     at: T+1s,  action: confirm, timeout: 10s }
                      - { id: restore-ttl, at: T+1h,  action: restore-ttl }
                    """.formatted(cutover, primary.port(), key.name(), key.algorithm(), primary.port(), secondaryPort));

            Run lower = migrate("apply", plan.toString());
            assertThat(lower.code()).as(lower.toString()).isZero();
            assertThat(lower.out()).contains("lowered TTL confirmed at");
            Instant confirmedAt = Instant.parse(find(lower.out(), "lowered TTL confirmed at (\\S+);"));

            // The gate: a swap now, before confirmedAt + 10 s + margin, is refused (exit 4) and writes nothing.
            Run early = migrate("apply", plan.toString(), "--phase", "swap");
            assertThat(Instant.now()).isBefore(confirmedAt.plusSeconds(10));
            assertThat(early.code()).as(early.toString()).isEqualTo(4);
            assertThat(ask(primary.port(), false)).containsExactly("192.0.2.10");

            // A client asks Unbound every 50 ms from now on; the primary is watched for the instant of the swap.
            List<Seen> seen = new CopyOnWriteArrayList<>();
            long[] swapAt = {-1};
            AtomicBoolean stop = new AtomicBoolean();
            Thread client = new Thread(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(40).toNanos(); // bounded
                while (!stop.get() && System.nanoTime() < until) {
                    try {
                        long sent = System.nanoTime();
                        seen.add(new Seen(sent, ask(unbound.port(), true).equals(List.of("198.51.100.20"))));
                        if (swapAt[0] < 0 && ask(primary.port(), false).equals(List.of("198.51.100.20"))) swapAt[0] = sent;
                        Thread.sleep(50);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            client.setDaemon(true);
            client.start();

            for (int i = 0; i < 100 && Instant.now().isBefore(cutover); i++) {
                Thread.sleep(Math.max(1, Duration.between(Instant.now(), cutover).toMillis() + 5));
            }
            assertThat(Instant.now()).isAfterOrEqualTo(confirmedAt.plusSeconds(10).plusSeconds(1));
            Run swap = migrate("apply", plan.toString());
            assertThat(swap.code()).as(swap.toString()).isZero();
            assertThat(swap.out()).contains("swap: done");

            Thread.sleep(LOWERED.plus(INTERVAL).plus(RESOLVER_CLOCK).toMillis());
            Run confirm = migrate("apply", plan.toString());
            assertThat(confirm.code()).as(confirm.toString()).isZero();
            assertThat(confirm.out()).contains("live: 2/2");
            stop.set(true);
            client.join(5000);

            assertThat(swapAt[0]).as("the primary never served the new address").isPositive();
            long bound = LOWERED.plus(INTERVAL).toNanos();
            List<Seen> after = seen.stream().filter(s -> s.sentNanos() > swapAt[0]).toList();
            long lastOldMs = after.stream().filter(s -> !s.isNew()).mapToLong(s -> (s.sentNanos() - swapAt[0]) / 1_000_000)
                    .max().orElse(0);
            System.out.printf("unbound through apply: %d answers after the swap; last old one %d ms after it; bound %d ms%n",
                    after.size(), lastOldMs, bound / 1_000_000);
            assertThat(after.stream().filter(s -> s.sentNanos() - swapAt[0] > bound)).isNotEmpty().allMatch(Seen::isNew);
            assertThat(lastOldMs).isLessThanOrEqualTo(LOWERED.plus(RESOLVER_CLOCK).toMillis());
        }
    }

    static String find(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("no " + regex + " in " + text).isTrue();
        return m.group(1);
    }
}
