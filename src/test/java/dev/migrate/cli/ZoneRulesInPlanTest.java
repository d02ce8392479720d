package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code migrate plan} lists under Errors (exit 4) every change a zone must never take, as ZoneRules finds
 * it on the zone as the plan leaves it. (Refusing them on the write path is the engine's, issue 17.)
 */
class ZoneRulesInPlanTest {
    static final String PROJECT = System.getProperty("migrate.project.dir", ".");

    static Stream<String[]> changes() {
        return Stream.of(
                new String[] {"{ name: '@', type: CNAME, to: [elsewhere.example.net.] }", "a CNAME cannot be at the zone apex"},
                new String[] {"{ name: www, type: CNAME, to: [elsewhere.example.net.] }", "a CNAME cannot stand beside other data"},
                new String[] {"{ name: shop, type: TXT, to: ['\"x\"'] }", "is a CNAME; other data cannot stand beside it"},
                new String[] {"{ name: shop, type: MX, to: ['10 mail.example.com.'] }", "is a CNAME; other data cannot stand beside it"},
                new String[] {"{ name: ns1, type: A, to: [] }", "a name server of the zone"},
                new String[] {"{ name: '@', type: NS, to: [] }", "deletes the zone's NS records"},
                new String[] {"{ name: '@', type: NS, to: [ns1.example.com., ns9.example.com.] }", "ns9.example.com. is inside the zone"},
                new String[] {"{ name: '@', type: NS, to: [ns1.example.com., shop.example.com.] }", "is a CNAME; an NS record"},
                new String[] {"{ name: _service, type: A, to: [198.51.100.9] }", "is not a host name"},
                new String[] {"{ name: mail-, type: A, to: [198.51.100.9] }", "is not a host name"},
                new String[] {"{ name: '@', type: MX, to: ['10 _mx.example.net.'] }", "MX target _mx.example.net. is not a host name"},
                new String[] {"{ name: old, type: DNAME, to: [example.org.] }", null},
                new String[] {"{ name: shop, type: DNAME, to: [example.org.] }", "is a CNAME"});
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("changes")
    void planListsWhatTheZoneMustNeverHold(String change, String error, @TempDir Path dir)
            throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Path zone = dir.resolve("zones/example.com.zone");
        Files.copy(Path.of(PROJECT, "plans/zones/example.com.zone"), zone);
        if (error == null) {
            // A DNAME above data that is already there.
            Files.writeString(zone, Files.readString(zone) + "a.old 3600 IN TXT \"below\"\n");
            error = "a DNAME at old.example.com. leaves no room for data below it";
        }
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: rules
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - %s
                """.formatted(change));
        Cli.Run r = Cli.migrate("plan", plan.toString(), "--now", "2026-11-20T00:00:00Z");
        assertThat(r.code()).as(r.all()).isEqualTo(4);
        assertThat(r.out()).contains("Errors").contains(error);
    }
}
