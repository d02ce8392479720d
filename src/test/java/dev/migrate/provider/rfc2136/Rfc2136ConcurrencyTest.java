package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several zones written at once from several threads through one provider, as an engine working on a
 * few zones at a time does: the requests share one connection, each answer reaches the request it
 * belongs to, and every zone ends exactly as written.
 */
@LabTest
class Rfc2136ConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void zonesWrittenFromSeveralThreadsShareOneConnectionAndEachGetsItsOwnAnswers() throws Exception {
        int zones = 12;
        BindServer.Builder b = BindServer.builder();
        List<String> names = LabDns.smallZones(b, "c", zones);
        try (BindServer bind = b.start()) {
            Rfc2136Provider p = LabDns.provider(bind.port(), bind.key(), dir);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (String z : names) {
                    work.add(pool.submit(() -> {
                        // Three rounds per zone: TTL down, data changed, TTL up; each read back.
                        for (int round = 0; round < 3; round++) {
                            ZoneSnapshot s = p.read(z);
                            RRset www = s.get("www." + z, "A");
                            RRset next = switch (round) {
                                case 0 -> www.withTtl(300);
                                case 1 -> www.withData(List.of("198.51.100.10"));
                                default -> www.withTtl(3600);
                            };
                            for (List<RRsetChange> batch : p.batches(z, List.of(RRsetChange.of(z, www, next)))) {
                                p.apply(z, batch);
                            }
                            assertThat(p.read(z).get("www." + z, "A")).isEqualTo(next);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) f.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            for (String z : names) {
                assertThat(LabDns.served(bind.port(), "www." + z, "A"))
                        .isEqualTo(LabDns.rrset("www." + z, "A", 3600, "198.51.100.10"));
            }
            assertThat(p.updateMessagesSent()).isEqualTo(3L * zones);
            assertThat(p.connectionsOpened()).isEqualTo(1);
            p.close();
        }
    }
}
