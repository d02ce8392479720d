package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRsetKey;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that takes the packet and never answers: a bounded number of timed-out tries, then one clear error. */
class Rfc2136TimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aSilentServerTimesOutAfterBoundedRetries() throws Exception {
        // Bound on 127.0.0.1 and never read: queries vanish without an ICMP refusal.
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("server", "127.0.0.1:" + silent.getLocalPort());
            s.put("read", "query");
            s.put("timeout", "1s");
            List<Duration> pauses = new ArrayList<>();
            Rfc2136Provider p = LabDns.provider(s, dir, pauses);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> p.readNames(LabDns.ZONE, List.of(new RRsetKey("www.example.test.", "A"))))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                        assertThat(e.getMessage()).contains("127.0.0.1:" + silent.getLocalPort()).contains("within 1s")
                                .contains("tried 3 times").doesNotContain("\n");
                    });
            assertThat(pauses).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
