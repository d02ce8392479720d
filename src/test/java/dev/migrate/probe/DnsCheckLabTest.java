package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.Ports;
import dev.migrate.lab.UnboundServer;
import dev.migrate.plan.CheckSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dns check against the first runbook's "DNS forwarding": the old nameserver address now runs a
 * forwarder (a real Unbound, {@code forward-zone} to the new BIND) and must hand out the new data, where
 * an authoritative RD=0 probe would only be REFUSED. The old BIND, still authoritative with the old data,
 * is what the check must catch.
 */
class DnsCheckLabTest {
    static final String NEW_ZONE = """
            $TTL 300
            @    IN SOA ns1.example.test. hostmaster.example.test. 2 3600 600 86400 60
            @    IN NS  ns1.example.test.
            ns1  IN A   127.0.0.1
            www  IN A   198.51.100.20
            web  IN CNAME www
            @    IN MX  10 mail.example.test.
            mail IN A   198.51.100.25
            """;
    static final String OLD_ZONE = NEW_ZONE.replace("198.51.100.20", "203.0.113.10").replace(" 2 3600", " 1 3600");
    static final String SHOP = """
            $TTL 300
            @    IN SOA ns1.shop.test. hostmaster.shop.test. 1 3600 600 86400 60
            @    IN NS  ns1.shop.test.
            ns1  IN A   127.0.0.1
            www  IN A   198.51.100.20
            """;

    @TempDir
    static Path tmp;
    static BindServer newServers;
    static BindServer oldServer;
    static UnboundServer forwarder;

    @BeforeAll
    static void up() {
        newServers = BindServer.builder().addPrimaryZone("example.test.", NEW_ZONE).addPrimaryZone("shop.test.", SHOP).start();
        oldServer = BindServer.builder().addPrimaryZone("example.test.", OLD_ZONE).start();
        forwarder = UnboundServer.builder().forwardZone("example.test.", newServers.port())
                .forwardZone("shop.test.", newServers.port()).start();
    }

    @AfterAll
    static void down() {
        if (forwarder != null) forwarder.close();
        if (oldServer != null) oldServer.close();
        if (newServers != null) newServers.close();
    }

    final HttpTcpChecks checks = new HttpTcpChecks(Clock.systemUTC());

    ServiceChecks.Result run(String yaml) throws InterruptedException {
        List<CheckSpec> specs = PlanChecks.checks(tmp, yaml);
        return checks.run(specs).get(0);
    }

    @Test
    void theOldAddressForwardingToTheNewServersPasses() throws Exception {
        ServiceChecks.Result r = run("""
                - { id: old-ns-forwards, dns: "127.0.0.1:%d", name: www.example.test, type: A, expect: [198.51.100.20] }
                """.formatted(forwarder.port()));
        assertThat(r.passed()).as(r.detail()).isTrue();
        assertThat(r.detail()).contains("answers www.example.test. A with 198.51.100.20")
                .contains("not authoritative, recursion available");
    }

    @Test
    void relativeDataAndCnameChainsAreFollowed() throws Exception {
        ServiceChecks.Result mx = run("""
                - { id: mx, dns: "127.0.0.1:%d", name: example.test, type: MX, expect: ["10 mail"] }
                """.formatted(forwarder.port()));
        assertThat(mx.passed()).as(mx.detail()).isTrue();
        ServiceChecks.Result chain = run("""
                - { id: web, dns: "127.0.0.1:%d", name: web.example.test, type: A, expect: [198.51.100.20] }
                """.formatted(forwarder.port()));
        assertThat(chain.passed()).as(chain.detail()).isTrue();
    }

    @Test
    void otherDataFailsAndSaysWhatCameBack() throws Exception {
        ServiceChecks.Result r = run("""
                - { id: old-ns-forwards, dns: "127.0.0.1:%d", name: www.example.test, expect: [203.0.113.10] }
                """.formatted(forwarder.port()));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).contains("answers www.example.test. A with 198.51.100.20 (TTL")
                .contains("expected 203.0.113.10").contains("from its cache or the servers it forwards to");
    }

    @Test
    void anOldServerStillAuthoritativeWithTheOldDataIsCaught() throws Exception {
        ServiceChecks.Result r = run("""
                - { id: old-ns-forwards, dns: "127.0.0.1:%d", name: www.example.test, expect: [198.51.100.20] }
                """.formatted(oldServer.port()));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).contains("with 203.0.113.10").contains("authoritative (AA)")
                .contains("still holds the zone itself instead of forwarding");
    }

    @Test
    void aServerThatNeitherServesNorForwardsTheNameIsNamed() throws Exception {
        ServiceChecks.Result r = run("""
                - { id: other, dns: "127.0.0.1:%d", name: www.elsewhere.test, expect: [198.51.100.20] }
                """.formatted(oldServer.port()));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).contains("answered REFUSED to a recursive query for www.elsewhere.test. A");
    }

    @Test
    void anEmptyExpectationPassesOnNxdomainAndNothingListeningIsReported() throws Exception {
        ServiceChecks.Result gone = run("""
                - { id: gone, dns: "127.0.0.1:%d", name: old.example.test, type: A, expect: [] }
                """.formatted(forwarder.port()));
        assertThat(gone.passed()).as(gone.detail()).isTrue();
        ServiceChecks.Result down = run("""
                - { id: down, dns: "127.0.0.1:%d", name: www.example.test, expect: [198.51.100.20], timeout: 1s }
                """.formatted(Ports.free()));
        assertThat(down.passed()).isFalse();
        assertThat(down.detail()).startsWith("no answer from 127.0.0.1:");
    }

    @Test
    void oneTemplateChecksTheForwarderForEveryZone() throws Exception {
        List<CheckSpec> specs = PlanChecks.plan(tmp, List.of("example.test", "shop.test"), """
                - { id: fwd, forEachZone: true, dns: "127.0.0.1:%d", name: "www.{zone}", expect: [198.51.100.20] }
                """.formatted(forwarder.port())).checks();
        List<ServiceChecks.Result> results = checks.run(specs);
        assertThat(results).extracting(ServiceChecks.Result::id).containsExactly("fwd@example.test", "fwd@shop.test");
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.detail()).isTrue());
    }
}
