package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.LabTest;
import dev.migrate.lab.NginxServer;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TestCa;
import dev.migrate.plan.HttpCheck;
import dev.migrate.plan.Location;
import dev.migrate.plan.TcpCheck;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service checks against a real nginx with certificates from a test CA. The URL carries the certificate's
 * name (www.example.test) and connectTo pins it to 127.0.0.1: nothing resolves www.example.test anywhere.
 */
@LabTest
class HttpTcpChecksLabTest {
    static final String HOST = "www.example.test";

    @TempDir
    static Path tmp;
    static TestCa ca;
    static NginxServer good;
    static NginxServer wrongName;
    static NginxServer expired;

    @BeforeAll
    static void up() {
        ca = TestCa.create(tmp);
        good = NginxServer.builder().certificate(ca.issue(HOST, "example.test"))
                .location("= /down", "return 503 \"down\";")
                .location("= /moved", "return 301 https://" + HOST + "/elsewhere;")
                .start();
        wrongName = NginxServer.builder().certificate(ca.issueWrongName(HOST)).start();
        expired = NginxServer.builder().certificate(ca.issueExpired(HOST)).start();
    }

    @AfterAll
    static void down() {
        for (NginxServer s : new NginxServer[] {good, wrongName, expired}) if (s != null) s.close();
    }

    static HttpCheck http(String id, int port, String path, int status, String body, Path caFile, Integer minDays) {
        return new HttpCheck(id, URI.create("https://" + HOST + ":" + port + path), "127.0.0.1", status, body, caFile,
                minDays, false, Duration.ofSeconds(5), new Location(Path.of("plan.yaml"), 1, 1));
    }

    static TcpCheck tcp(String id, int port, String banner, boolean refused) {
        return new TcpCheck(id, "127.0.0.1", port, banner, refused, Duration.ofSeconds(2), new Location(Path.of("plan.yaml"), 1, 1));
    }

    final HttpTcpChecks checks = new HttpTcpChecks(Clock.systemUTC());

    @Test
    void goodServerPassesAndReportsStatusLatencyNamesAndDaysLeft() {
        ServiceChecks.Result r = checks.http(http("web", good.port(), "/health", 200, "ok", ca.caCertPem(), 14));
        assertThat(r.passed()).as(r.detail()).isTrue();
        assertThat(r.detail()).contains("HTTP 200").contains("certificate www.example.test, example.test")
                .containsPattern("(29|30) days left");
        assertThat(r.latency()).isPositive().isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void wrongCertificateNameFails() {
        ServiceChecks.Result r = checks.http(http("web", wrongName.port(), "/health", 200, "ok", ca.caCertPem(), null));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).startsWith("certificate is not valid for www.example.test: it names wrong-name.invalid (valid ")
                .containsOnlyOnce("wrong-name.invalid");
    }

    @Test
    void expiredCertificateFails() {
        ServiceChecks.Result r = checks.http(http("web", expired.port(), "/health", 200, "ok", ca.caCertPem(), null));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).startsWith("certificate expired on ");
    }

    @Test
    void certificateFromAnotherCaIsNotTrusted() {
        TestCa other = TestCa.create(tmp.resolve("other"));
        ServiceChecks.Result r = checks.http(http("web", good.port(), "/health", 200, "ok", other.caCertPem(), null));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).startsWith("certificate is not trusted: not signed by the CA in " + other.caCertPem());
    }

    @Test
    void wrongStatusBodyRedirectAndCertDaysFailWithTheReason() {
        ServiceChecks.Result status = checks.http(http("web", good.port(), "/down", 200, null, ca.caCertPem(), null));
        assertThat(status.passed()).isFalse();
        assertThat(status.detail()).startsWith("status 503, expected 200");
        ServiceChecks.Result body = checks.http(http("web", good.port(), "/health", 200, "healthy", ca.caCertPem(), null));
        assertThat(body.passed()).isFalse();
        assertThat(body.detail()).startsWith("body does not contain \"healthy\" (it starts: \"ok\")");
        ServiceChecks.Result moved = checks.http(http("web", good.port(), "/moved", 200, null, ca.caCertPem(), null));
        assertThat(moved.passed()).isFalse();
        assertThat(moved.detail()).startsWith("status 301, expected 200 (a redirect to https://www.example.test/elsewhere;"
                + " followRedirects is off)");
        ServiceChecks.Result days = checks.http(http("web", good.port(), "/health", 200, "ok", ca.caCertPem(), 60));
        assertThat(days.passed()).isFalse();
        assertThat(days.detail()).containsPattern("^certificate expires in (29|30) days .*fewer than minCertDays 60");
    }

    @Test
    void closedPortFails() {
        int closed = Ports.free();
        ServiceChecks.Result r = checks.http(http("web", closed, "/health", 200, "ok", ca.caCertPem(), null));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).isEqualTo("connection refused by www.example.test at 127.0.0.1:" + closed
                + " (nothing listens on that port)");
    }

    @Test
    void tcpOpenBannerAndRefused() throws Exception {
        int closed = Ports.free();
        try (ServerSocket smtp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket s = smtp.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("220 mail.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            List<ServiceChecks.Result> rs = checks.run(List.of(
                    tcp("smtp", smtp.getLocalPort(), "220 ", false),
                    tcp("smtp-wrong", smtp.getLocalPort(), "554 ", false),
                    tcp("open", good.port(), null, false),
                    tcp("old-mx-refuses", closed, null, true),
                    tcp("should-refuse", good.port(), null, true),
                    tcp("closed", closed, null, false)));
            assertThat(rs).extracting(ServiceChecks.Result::passed).containsExactly(true, false, true, true, false, false);
            assertThat(rs.get(0).detail()).startsWith("banner \"220 mail.example.test ESMTP\"");
            assertThat(rs.get(1).detail()).contains("sent \"220 mail.example.test ESMTP\", expected it to start with \"554 \"");
            assertThat(rs.get(3).detail()).isEqualTo("127.0.0.1:" + closed + " refused the connection, as expected");
            assertThat(rs.get(4).detail()).isEqualTo("127.0.0.1:" + good.port() + " accepted the connection; expected it refused");
            assertThat(rs.get(5).detail()).isEqualTo("connection refused by 127.0.0.1:" + closed + " (nothing listens on that port)");
            t.join(5000);
        }
    }
}
