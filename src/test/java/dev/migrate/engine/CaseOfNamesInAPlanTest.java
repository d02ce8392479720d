package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static dev.migrate.engine.EngineFixture.readZone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRsetKey;
import dev.migrate.engine.EngineFixture.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone written by hand spells names in its records in capitals ("Mail.Example.COM."); the plan, like most
 * plans, in lower case. The same records (RFC 4343 §3): no drift, the swap runs, and the rollback puts
 * back the records as they were spelt.
 */
class CaseOfNamesInAPlanTest {
    @TempDir
    Path dir;

    @Test
    void aPlanInLowerCaseMovesRecordsSpeltInCapitalsAndTheRollbackPutsBackTheirSpelling() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path zone = zones.resolve("example.com.zone");
        Files.writeString(zone, """
                $TTL 3600
                @      IN SOA NS1.Example.COM. Hostmaster.Example.COM. 2026110101 3600 600 86400 300
                @      IN NS  NS1.Example.COM.
                NS1    IN A   192.0.2.53
                @      IN MX  10 Mail.Example.COM.
                Mail   IN A   203.0.113.25
                www    IN CNAME Web.Example.COM.
                Web    IN A   203.0.113.10
                """);
        Path plan = dir.resolve("mail.yaml");
        Files.writeString(plan, """
                name: case-of-names
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300, restore: original }
                changes:
                  - { name: "@", type: MX,    from: ["10 mail.example.com."], to: ["10 mx2.example.com."] }
                  - { name: www, type: CNAME, from: [web.example.com.],       to: [mail.example.com.] }
                  - { name: mx2, type: A,     to: [198.51.100.25] }
                phases:
                  - { id: lower-ttl, at: T-72h, action: lower-ttl }
                  - { id: swap,      at: T,     action: swap }
                """);

        Run preview = cli("plan", plan.toString(), "--now", "2026-11-27T00:00:00Z");
        assertThat(preview.exit()).as(preview.all()).isZero();
        assertThat(preview.all()).doesNotContain("drift").doesNotContain("expects");

        Run lower = cli("apply", plan.toString(), "--now", "2026-11-28T02:00:00Z");
        assertThat(lower.exit()).as(lower.all()).isZero();
        Run swap = cli("apply", plan.toString(), "--now", "2026-12-01T02:00:00Z");
        assertThat(swap.exit()).as(swap.all()).isZero();
        assertThat(readZone(zone).get(new RRsetKey("example.com.", "MX")).rdata()).containsExactly("10 mx2.example.com.");
        assertThat(readZone(zone).get(new RRsetKey("www.example.com.", "CNAME")).rdata()).containsExactly("mail.example.com.");

        Run rollback = cli("rollback", plan.toString(), "--now", "2026-12-01T03:00:00Z", "--restore-ttl", "now");
        assertThat(rollback.exit()).as(rollback.all()).isZero();
        assertThat(readZone(zone).get(new RRsetKey("example.com.", "MX")).rdata()).containsExactly("10 Mail.Example.COM.");
        assertThat(readZone(zone).get(new RRsetKey("www.example.com.", "CNAME")).rdata()).containsExactly("Web.Example.COM.");
        assertThat(readZone(zone).get(new RRsetKey("example.com.", "MX")).ttl()).isEqualTo(3600);
        assertThat(readZone(zone).get(new RRsetKey("mx2.example.com.", "A"))).isNull();
    }
}
