package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import dev.migrate.lab.UnboundServer;
import dev.migrate.support.Sleeper;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Resolvers in confirm ({@code resolvers: { gate: true }}): real Unbound caches in front of a real BIND.
 * One honours the 3 s TTL and gives its clients the new address soon after the swap; the other stretches
 * every TTL to an hour ({@code cache-min-ttl: 3600}), so its clients keep the old answer: the gate names
 * it, with when it will turn over at the latest.
 */
class ResolverGateLabTest {
    static final String ZONE = """
            $TTL 3
            @    IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 3
            @    IN NS  ns1.example.test.
            ns1  IN A   127.0.0.1
            www  IN A   203.0.113.10
            """;
    static final RRsetKey WWW = new RRsetKey("www.example.test.", "A");

    static Expectation expect(String address) {
        return new Expectation("example.test.", WWW, RRset.of(WWW.name(), "A", 3, List.of(address)));
    }

    static ResolverObservation watching(UnboundServer... resolvers) {
        List<InetSocketAddress> addrs = java.util.Arrays.stream(resolvers)
                .map(u -> new InetSocketAddress("127.0.0.1", u.port())).toList();
        return new ResolverObservation(addrs, Duration.ofSeconds(1), 2, Clock.systemUTC());
    }

    @Test
    void theGateWaitsForEachResolverAndNamesTheOneThatStretchesTtls() throws Exception {
        TsigKey key = TsigKey.random("lab-key");
        try (BindServer bind = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE).start();
                UnboundServer honest = UnboundServer.builder().stubZone("example.test.", bind.port()).start();
                UnboundServer stretching = UnboundServer.builder().stubZone("example.test.", bind.port()).cacheMinTtl(3600).start()) {
            ResolverObservation both = watching(honest, stretching);
            // Clients have asked before the swap: both caches hold the old address.
            assertThat(both.observe(List.of(expect("203.0.113.10")))).allMatch(ResolverObservation.Report::seesNew);

            Update u = new Update(Name.fromString("example.test."));
            u.replace(Name.fromString("www.example.test."), Type.A, 3, "198.51.100.20");
            SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", bind.port()));
            r.setTSIGKey(key.toTsig());
            assertThat(r.send(u).getRcode()).isEqualTo(Rcode.NOERROR);
            Instant swapped = Instant.now();

            List<Integer> progress = new CopyOnWriteArrayList<>();
            ResolverObservation.Gate gate = both.await(List.of(expect("198.51.100.20")), swapped.plusSeconds(8),
                    Duration.ofMillis(500), Sleeper.REAL, (in, total, lag, elapsed, deadline) -> progress.add(in));

            assertThat(gate.allSeeNew()).as(gate.summary()).isFalse();
            ResolverObservation.ResolverWait h = gate.resolvers().get(0);
            ResolverObservation.ResolverWait s = gate.resolvers().get(1);
            assertThat(h.resolver()).isEqualTo("127.0.0.1:" + honest.port());
            assertThat(h.seesNew()).as(h.describe()).isTrue();
            assertThat(h.seenNewAt()).isBetween(swapped, swapped.plusSeconds(6));
            assertThat(s.seesNew()).isFalse();
            assertThat(s.newBy()).as("the stretched cache turns over in about an hour")
                    .isBetween(swapped.plusSeconds(3500), swapped.plusSeconds(3700));
            assertThat(gate.summary()).contains("1/2 resolvers give their clients the new answer")
                    .contains("127.0.0.1:" + stretching.port() + " does not see it yet, by")
                    .contains("answers 203.0.113.10 for");
            assertThat(progress).as("progress while waiting").contains(0, 1);

            // Gating on the honest one alone passes, and says since when.
            ResolverObservation.Gate one = watching(honest).await(List.of(expect("198.51.100.20")), Instant.now().plusSeconds(5),
                    Duration.ofMillis(500), Sleeper.REAL, PropagationCheck.Listener.NONE);
            assertThat(one.allSeeNew()).as(one.summary()).isTrue();
            assertThat(one.summary()).isEqualTo("every resolver (1) gives its clients the new answer");
        }
    }

    @Test
    void aResolverThatDoesNotAnswerNeverPassesTheGateAndTheWaitIsBounded() throws Exception {
        ResolverObservation dead = new ResolverObservation(List.of(new InetSocketAddress("127.0.0.1", Ports.free())),
                Duration.ofMillis(300), 1, Clock.systemUTC());
        long t0 = System.nanoTime();
        ResolverObservation.Gate g = dead.await(List.of(expect("198.51.100.20")), Instant.now().plusSeconds(2),
                Duration.ofMillis(500), Sleeper.REAL, PropagationCheck.Listener.NONE);
        assertThat(g.allSeeNew()).isFalse();
        assertThat(g.resolvers().get(0).newBy()).isNull();
        assertThat(g.summary()).contains("unreachable");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));

        // A clock that does not move (--now) cannot make it poll forever.
        ResolverObservation fixed = new ResolverObservation(List.of(new InetSocketAddress("127.0.0.1", Ports.free())),
                Duration.ofMillis(100), 1, Clock.fixed(Instant.parse("2030-01-10T12:00:00Z"), java.time.ZoneOffset.UTC));
        List<Integer> polls = new CopyOnWriteArrayList<>();
        fixed.await(List.of(expect("198.51.100.20")), Instant.parse("2030-01-10T12:00:03Z"), Duration.ofSeconds(1),
                d -> { }, (in, total, lag, elapsed, deadline) -> polls.add(in));
        assertThat(polls).hasSizeLessThanOrEqualTo(4);
    }
}
