package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the manual provider reads a zone it has no credentials for, through {@code migrate plan}: a whole
 * zone by unsigned AXFR where the server allows one (so rewrite rules work), and a clear refusal to guess
 * where it does not.
 */
class ManualProviderReadsLabTest {
    static final String ZONE_TEXT = """
            $TTL 3600
            @    IN SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 60
            @    IN NS  ns1.example.test.
            ns1  IN A   127.0.0.1
            mail IN A   203.0.113.25
            smtp IN A   203.0.113.25
            www  IN A   203.0.113.10
            """;

    @TempDir
    Path dir;

    Path plan(int port) throws Exception {
        Path p = dir.resolve("rewrite.yaml");
        Files.writeString(p, """
                name: panel-rewrite
                cutover: 2030-01-10T12:00:00Z
                provider: { type: manual, nameservers: ["127.0.0.1:%d"], queryTimeout: 1s }
                zones: [example.test]
                ttl: { lowered: 300 }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                """.formatted(port));
        return p;
    }

    @Test
    void aServerThatAllowsTransfersGivesTheWholeZoneSoRewriteRulesWork() throws Exception {
        try (BindServer open = BindServer.builder().allowTransferToAnyone(true).addPrimaryZone("example.test.", ZONE_TEXT).start()) {
            Run r = migrate("plan", plan(open.port()).toString(), "--now", "2030-01-01T00:00:00Z");
            assertThat(r.code()).as(r.all()).isZero();
            assertThat(r.out()).contains("mail A").contains("smtp A").contains("198.51.100.25");
        }
    }

    @Test
    void aServerThatRefusesTransfersCannotFeedRewriteRulesAndSaysWhy() throws Exception {
        try (BindServer closed = BindServer.builder().addPrimaryZone("example.test.", ZONE_TEXT).start()) {
            Run r = migrate("plan", plan(closed.port()).toString(), "--now", "2030-01-01T00:00:00Z");
            assertThat(r.code()).as(r.all()).isEqualTo(1);
            assertThat(r.err()).contains("does not allow a zone transfer of example.test.")
                    .contains("rewrite rules need the whole zone").doesNotContain("Exception");
        }
    }
}
