package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.NginxServer;
import dev.migrate.lab.TestCa;
import dev.migrate.probe.HttpTcpChecks;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Keep the old IP alive as a proxy for every site" (runbook 1, Apache's catch-all ProxyPass with
 * ProxyPreserveHost) proved by one forEachZone check line over 20 zones. Two real nginx: the new web
 * server with one name-based virtual host per zone, except zone13.test, which was forgotten; and the
 * old-IP proxy, passing every request on with its Host and SNI. The forgotten site falls to the new
 * server's default host: the check must fail for it, and name it.
 */
class OldIpProxyForEachZoneLabTest {
    static final List<String> ZONES = IntStream.rangeClosed(1, 20).mapToObj(i -> "zone%02d.test".formatted(i)).toList();
    static final String MISSING = "zone13.test";

    @TempDir
    static Path dir;
    static NginxServer newServer;
    static NginxServer oldIpProxy;

    @BeforeAll
    static void up() throws Exception {
        TestCa ca = TestCa.create(dir);
        TestCa.ServerCert cert = ca.issue(ZONES.stream().map(z -> "www." + z).toArray(String[]::new));
        NginxServer.Builder sites = NginxServer.builder().certificate(cert);
        for (String z : ZONES) {
            if (!z.equals(MISSING)) sites.virtualHost("www." + z, "location / { return 200 \"site " + z + "\\n\"; }");
        }
        newServer = sites.start();
        oldIpProxy = NginxServer.builder().certificate(cert)
                .location("/", "proxy_pass https://127.0.0.1:" + newServer.port() + "; proxy_set_header Host $host;"
                        + " proxy_ssl_server_name on; proxy_ssl_name $host;")
                .start();
        Files.createDirectories(dir.resolve("zones"));
        for (String z : ZONES) {
            Files.writeString(dir.resolve("zones/" + z + ".zone"), """
                    $ORIGIN %s.
                    $TTL 300
                    @   IN SOA ns1 hostmaster 1 3600 600 86400 60
                    @   IN NS  ns1
                    ns1 IN A   198.51.100.53
                    www IN A   198.51.100.20
                    """.formatted(z));
        }
        Files.writeString(dir.resolve("old-ip.yaml"), """
                name: old-ip-proxy
                cutover: 2030-01-10T12:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: %s
                ttl: { lowered: 300 }
                checks:
                  # one line for every site: the old address still serves each of them (through the proxy)
                  - { id: web, forEachZone: true, http: "https://www.{zone}:%d/", connectTo: 127.0.0.1,
                      expectBody: "site {zone}", caFile: ca.pem }
                phases:
                  - { id: verify, at: T-24h, action: verify, checks: [web] }
                """.formatted(ZONES, oldIpProxy.port()));
    }

    @AfterAll
    static void down() {
        if (oldIpProxy != null) oldIpProxy.close();
        if (newServer != null) newServer.close();
    }

    @Test
    void oneLineChecksEveryZoneThroughTheProxyAndNamesTheForgottenSite() throws Exception {
        var plan = dev.migrate.engine.Workspace.load(dir.resolve("old-ip.yaml"), dev.migrate.provider.Providers.discover());
        assertThat(plan.checks()).hasSize(20);
        assertThat(plan.phase("verify").orElseThrow().checks()).hasSize(20).contains("web@zone01.test", "web@zone20.test");

        List<ServiceChecks.Result> results = new HttpTcpChecks(Clock.systemUTC()).run(plan.checks());
        List<String> failed = new ArrayList<>();
        for (ServiceChecks.Result r : results) if (!r.passed()) failed.add(r.id());
        assertThat(failed).as("%s", results).containsExactly("web@" + MISSING);
        ServiceChecks.Result missing = results.stream().filter(r -> !r.passed()).findFirst().orElseThrow();
        assertThat(missing.detail()).contains("status 404, expected 200");
        assertThat(results.stream().filter(ServiceChecks.Result::passed))
                .allSatisfy(r -> assertThat(r.detail()).contains("HTTP 200").contains("certificate"));
    }

    @Test
    void verifyThroughTheCliFailsWithExitThreeNamingTheZone() {
        Cli.Run r = Cli.migrate("apply", dir.resolve("old-ip.yaml").toString(), "--now", "2030-01-09T12:00:00Z");
        assertThat(r.code()).as(r.all()).isEqualTo(3);
        assertThat(r.all()).contains("check web@" + MISSING + " FAILED").contains("status 404")
                .contains("check web@zone12.test passed").doesNotContain("check web@zone12.test FAILED");
    }
}
