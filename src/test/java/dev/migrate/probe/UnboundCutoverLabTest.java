package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import dev.migrate.lab.UnboundServer;
import dev.migrate.support.Sleeper;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * End to end through a real caching resolver: TTL 10 s lowered to 2 s, the lowering confirmed by the
 * probe on every authoritative address, the swap held until the old 10 s have run out since that
 * confirmation (DOMAIN.md: swap >= t1 + oldTtl + margin), then Unbound queried continuously: every answer
 * must be the new one within the lowered TTL plus one poll interval of the swap.
 *
 * <p>The swap here is a direct RFC 2136 update; the engine's swap (and its own gate) replaces it once
 * {@code migrate apply} is on main.
 */
@LabTest
class UnboundCutoverLabTest {
    static final String ZONE = "cut.test.";
    static final String ZONE_TEXT = """
            $TTL 10
            @    IN SOA ns1.cut.test. hostmaster.cut.test. 1 3600 600 86400 1
            @    IN NS  ns1.cut.test.
            ns1  IN A   127.0.0.1
            www  IN A   192.0.2.10
            """;
    static final long OLD_TTL = 10;
    static final long LOWERED_TTL = 2;
    static final Duration POLL = dev.migrate.plan.Propagation.defaults().interval(); // 2 s, the plan default
    // Unbound keeps expiry times in whole seconds (time(NULL) + TTL) and still serves an entry during its
    // last second, so an answer can be up to TTL + 1 s old: the tightest bound a resolver can be held to.
    static final Duration RESOLVER_CLOCK = Duration.ofSeconds(1);
    static final Duration MARGIN = Duration.ofSeconds(1); // the lab's margin; production's is max(5 min, 10 % of oldTtl)

    @Test
    void afterTheSwapEveryAnswerIsNewWithinLoweredTtlPlusOnePoll() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        int secondaryPort = Ports.free();
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT, secondaryPort).start();
                BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
                        .addSecondaryZone(ZONE, primary.port(), key, null).start();
                UnboundServer unbound = UnboundServer.builder().stubZone(ZONE, primary.port()).start()) {
            Map<String, List<NameServer>> servers = LabDns.servers(ZONE,
                    LabDns.ns(ZONE, "ns1.cut.test.", primary.port()), LabDns.ns(ZONE, "ns2.cut.test.", secondaryPort));
            AuthoritativeProbe probe = new AuthoritativeProbe(servers,
                    new AuthoritativeProbe.Settings(false, POLL, Duration.ofSeconds(1), 2, 2, 64, 0.2), Clock.systemUTC(), Sleeper.REAL);
            ResolverObservation resolvers = new ResolverObservation(
                    List.of(new InetSocketAddress("127.0.0.1", unbound.port())), Duration.ofSeconds(1), 2, Clock.systemUTC());
            RRset before = RRset.of("www." + ZONE, "A", OLD_TTL, List.of("192.0.2.10"));
            RRset lowered = before.withTtl(LOWERED_TTL);
            RRset after = RRset.of("www." + ZONE, "A", LOWERED_TTL, List.of("198.51.100.20"));

            // A client fetches the answer with the original TTL: Unbound caches it for 10 s.
            assertThat(ask(unbound.port())).containsExactly("192.0.2.10");

            // lower-ttl, confirmed on every authoritative address.
            LabDns.replace(primary.port(), key, ZONE, lowered);
            PropagationCheck.Outcome lowering = probe.await(List.of(new Expectation(ZONE, lowered.key(), lowered)),
                    Instant.now().plusSeconds(15), PropagationCheck.Listener.NONE);
            assertThat(lowering.live()).as(lowering.summary() + " " + lowering.problems()).isTrue();
            Instant t1 = lowering.confirmedAt();

            // Why the swap must wait: the resolver still holds the answer with the old TTL.
            ResolverObservation.Seen cached = resolvers.observe(List.of(new Expectation(ZONE, after.key(), after))).get(0).rrsets().get(0);
            assertThat(cached.state()).isEqualTo("stale");
            assertThat(cached.remaining()).isGreaterThan(LOWERED_TTL).isLessThanOrEqualTo(OLD_TTL);
            assertThat(cached.newBy()).isNotNull();

            // The gate: not before t1 + old TTL + margin.
            Instant earliestSwap = t1.plusSeconds(OLD_TTL).plus(MARGIN);
            for (int i = 0; i < 100 && Instant.now().isBefore(earliestSwap); i++) {
                Sleeper.REAL.sleep(Duration.between(Instant.now(), earliestSwap).plusMillis(1));
            }
            assertThat(Instant.now()).isAfterOrEqualTo(earliestSwap);
            Long remaining = remainingTtl(unbound.port());
            assertThat(remaining).as("every cached copy now has at most the lowered TTL left").isLessThanOrEqualTo(LOWERED_TTL);

            // swap
            LabDns.replace(primary.port(), key, ZONE, after);
            long swapNanos = System.nanoTime();

            // Query Unbound continuously; bounded by count and time.
            Duration bound = Duration.ofSeconds(LOWERED_TTL).plus(POLL);
            List<long[]> seen = new ArrayList<>(); // {ms since swap, 1 if new}
            Duration watch = bound.plusSeconds(1);
            for (int i = 0; i < 200 && System.nanoTime() - swapNanos < watch.toNanos(); i++) {
                List<String> a = ask(unbound.port());
                long ms = (System.nanoTime() - swapNanos) / 1_000_000;
                seen.add(new long[] {ms, a.equals(List.of("198.51.100.20")) ? 1 : 0});
                Thread.sleep(50);
            }
            long lastOld = seen.stream().filter(s -> s[1] == 0).mapToLong(s -> s[0]).max().orElse(-1);
            long firstNew = seen.stream().filter(s -> s[1] == 1).mapToLong(s -> s[0]).min().orElse(-1);
            System.out.printf("unbound cutover: %d answers over %d ms; last old answer %d ms after the swap, first new %d ms;"
                    + " bound %d ms%n", seen.size(), seen.get(seen.size() - 1)[0], lastOld, firstNew, bound.toMillis());
            assertThat(firstNew).isBetween(0L, bound.toMillis());
            assertThat(lastOld).as("the last old answer came too late").isLessThanOrEqualTo(bound.toMillis());
            assertThat(lastOld).as("old answers beyond lowered TTL + the resolver's 1-s clock")
                    .isLessThanOrEqualTo(Duration.ofSeconds(LOWERED_TTL).plus(RESOLVER_CLOCK).toMillis());
            assertThat(seen.stream().filter(s -> s[0] > bound.toMillis()).allMatch(s -> s[1] == 1)).isTrue();
            assertThat(seen.stream().filter(s -> s[0] > bound.toMillis()).count()).isGreaterThan(10);

            // The swap itself confirmed on every authoritative address (the confirm phase).
            PropagationCheck.Outcome confirm = probe.await(List.of(new Expectation(ZONE, after.key(), after)),
                    Instant.now().plusSeconds(10), PropagationCheck.Listener.NONE);
            assertThat(confirm.live()).isTrue();
            ResolverObservation.Seen now = resolvers.observe(List.of(new Expectation(ZONE, after.key(), after))).get(0).rrsets().get(0);
            assertThat(now.state()).isEqualTo("match");

            // A resolver is not an authoritative server: put in the NS list by mistake, it refuses RD=0
            // questions (Unbound's access-control "allow" forbids cache snooping) and is reported so.
            AuthoritativeProbe wrong = new AuthoritativeProbe(LabDns.servers(ZONE, LabDns.ns(ZONE, "resolver", unbound.port())),
                    probe.settings(), Clock.systemUTC(), Sleeper.REAL);
            assertThat(wrong.probeOnce(List.of(new Expectation(ZONE, after.key(), after))).addresses().get(0).state())
                    .isEqualTo(ServerState.REFUSED);
        }
    }

    static List<String> ask(int port) throws Exception {
        return answer(port).getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.A)
                .map(Record::rdataToString).toList();
    }

    static Long remainingTtl(int port) throws Exception {
        return answer(port).getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.A)
                .map(Record::getTTL).findFirst().orElse(null);
    }

    static Message answer(int port) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(2));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString("www." + ZONE), Type.A, DClass.IN)));
    }
}
