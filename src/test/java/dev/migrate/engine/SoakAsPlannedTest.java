package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.engine.EngineFixture.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider move's soak ({@code delegated+parent-ttl}) before await-delegation has measured it: drawn with
 * the usual parent NS TTL and the old zone's own NS TTL (86400 s here), as the run will count it. {@code plan}
 * reads that TTL live; {@code status}, from the journal alone, once lower-ttl journaled it before lowering it.
 */
class SoakAsPlannedTest {
    @TempDir
    Path dir;

    /** T + 172800 (usual parent NS TTL) + 86400 (the old NS TTL) + 10 % of both. */
    static final Instant SOAK = Instant.parse("2026-12-01T02:00:00Z").plusSeconds(172800 + 86400 + 25920);

    @Test
    void planAndStatusDrawTheSoakWithTheOldZonesNsTtl() throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.createDirectories(dir.resolve("new-zones"));
        Files.writeString(dir.resolve("zones/example.com.zone"), """
                $ORIGIN example.com.
                @    3600  IN SOA ns1.old-dns.example. hostmaster.example.com. 1 7200 900 1209600 300
                @    86400 IN NS  ns1.old-dns.example.
                @    86400 IN NS  ns2.old-dns.example.
                www  3600  IN A   203.0.113.10
                """);
        Files.writeString(dir.resolve("new-zones/example.com.zone"), """
                $ORIGIN example.com.
                @ 3600 IN SOA ns1.new-dns.example. hostmaster.new-dns.example. 1 10800 3600 604800 3600
                @ 3600 IN NS  ns1.new-dns.example.
                @ 3600 IN NS  ns2.new-dns.example.
                """);
        Path plan = dir.resolve("move.yaml");
        Files.writeString(plan, """
                name: soak-as-planned
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300, restore: original }
                move:
                  to: { type: zonefile, directory: new-zones }
                  nameservers: [ns1.new-dns.example., ns2.new-dns.example.]
                  servers: ["127.0.0.1:9"]
                  parent: ["127.0.0.1:9"]
                phases:
                  - { id: copy,      at: T-7d,     action: copy-zone }
                  - { id: lower-ttl, at: T-72h,    action: lower-ttl }
                  - { id: same,      at: T-1h,     action: compare }
                  - { id: delegate,  at: T,        action: delegate }
                  - { id: delegated, at: delegate, action: await-delegation, timeout: 3d }
                  - { id: soak,      at: delegated+parent-ttl, action: verify }
                """);

        Run preview = cli("plan", plan.toString(), "--now", "2026-11-20T00:00:00Z", "--output", "json");
        assertThat(preview.exit()).as(preview.all()).isZero();
        assertThat(expectedSoak(EngineFixture.JSON.readTree(preview.out()).get("timeline"), "expectedAt")).isEqualTo(SOAK);

        Run copy = cli("apply", plan.toString(), "--now", "2026-11-24T02:00:00Z");
        assertThat(copy.exit()).as(copy.all()).isZero();
        Run lower = cli("apply", plan.toString(), "--now", "2026-11-28T02:00:00Z");
        assertThat(lower.exit()).as(lower.all()).isZero();
        assertThat(lower.out()).contains("lower-ttl: done");

        // The NS TTL is 300 now; the journal keeps the 86400 it had: the plan and status still count that.
        Run status = cli("status", plan.toString(), "--now", "2026-11-28T03:00:00Z", "--output", "json");
        assertThat(status.exit()).as(status.all()).isZero();
        assertThat(expectedSoak(EngineFixture.JSON.readTree(status.out()).get("phases"), "at")).isEqualTo(SOAK);
        Run again = cli("plan", plan.toString(), "--now", "2026-11-28T03:00:00Z", "--output", "json");
        assertThat(expectedSoak(EngineFixture.JSON.readTree(again.out()).get("timeline"), "expectedAt")).isEqualTo(SOAK);
    }

    static Instant expectedSoak(JsonNode rows, String field) {
        for (JsonNode r : rows) if (r.get("id").asText().equals("soak")) return Instant.parse(r.get(field).asText());
        throw new AssertionError("no soak in " + rows);
    }
}
