package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRsetKey;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that takes the request and never answers: a bounded number of timed-out tries, then one clear error. */
class Rfc2136TimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aSilentServerTimesOutAfterBoundedRetries() throws Exception {
        // Accepts every TCP connection (the kernel completes the handshake) and never reads or answers:
        // requests vanish without a refusal, as with a stopped server process.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = acceptForever(silent);
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
            p.close();
            for (Socket a : accepted) a.close();
        }
    }

    /** Accepts connections on a daemon thread and keeps them open, unread. */
    static List<Socket> acceptForever(ServerSocket server) {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try {
                while (true) accepted.add(server.accept());
            } catch (java.io.IOException closed) {
                // the test is over
            }
        }, "silent-server");
        t.setDaemon(true);
        t.start();
        return accepted;
    }
}
