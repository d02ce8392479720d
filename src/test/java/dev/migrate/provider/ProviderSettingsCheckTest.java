package dev.migrate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each adapter checks its settings' values while the plan loads: a bad value is a plan error at its
 * file:line:column, exit 2, before any provider is contacted (it used to surface later, as exit 1).
 */
class ProviderSettingsCheckTest {
    @TempDir
    Path dir;

    Cli.Run plan(String providerBlock) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, """
                name: settings
                cutover: 2026-12-01T02:00:00Z
                provider:
                %s
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                """.formatted(providerBlock.strip().indent(2).stripTrailing()));
        return Cli.migrate("plan", p.toString(), "--now", "2026-11-20T00:00:00Z");
    }

    @Test
    void aZoneFileBatchSizeThatIsNoNumberIsAPlanErrorAtItsLine() throws Exception {
        Cli.Run r = plan("type: zonefile\ndirectory: zones\nbatchSize: lots\nreloadTimeout: whenever");
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains(dir.resolve("plan.yaml") + ":6:14: is 'lots', expected a whole number of RRsets",
                dir.resolve("plan.yaml") + ":7:18: 'whenever' is not a duration", "the plan has 2 errors");
    }

    @Test
    void cloudflareAndPowerDnsValuesAreCheckedToo() throws Exception {
        Cli.Run cf = plan("type: cloudflare\napiTokenEnv: CF_TOKEN\napiTokenFile: cf.token\nbatchSize: 5000\nbaseUrl: http://api.example.net");
        assertThat(cf.code()).as(cf.all()).isEqualTo(2);
        assertThat(cf.err()).contains(":6:17: give either apiTokenEnv or apiTokenFile, not both", ":7:14: is '5000', expected 1..3500",
                ":8:12: http://api.example.net/ uses plain http to a host that is not loopback");
        Cli.Run pdns = plan("type: powerdns\napiKeyEnv: K\nnotify: maybe\ntimeout: 0s");
        assertThat(pdns.code()).as(pdns.all()).isEqualTo(2);
        assertThat(pdns.err()).contains(":4:3: needs 'url'", ":6:11: is 'maybe', expected true or false",
                ":7:12: must be longer than 0s");
    }
}
