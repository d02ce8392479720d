package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import dev.migrate.testing.Cli;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instants stay within the years 1970 to 9999: a cutover, every phase (T plus its offset) and the clock
 * given with --now or MIGRATE_NOW. Outside them: a clear message and exit 2, never an overflow.
 */
class TimeLimitsTest {
    static final Path FILE = Path.of("plans", "time.yaml");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));

    static String plan(String cutover, String phases) {
        return """
                name: time
                cutover: %s
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                """.formatted(cutover) + phases;
    }

    @ParameterizedTest(name = "cutover {0}")
    @ValueSource(strings = {"1969-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59-18:00", "1900-06-01T00:00:00+01:00"})
    void aCutoverOutsideTheYearsIsRefusedAtItsLine(String cutover) {
        PlanException e = catchThrowableOfType(PlanException.class, () -> LOADER.load(new StringReader(plan(cutover, "")), FILE));
        assertThat(e).as("refused: %s", cutover).isNotNull();
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.where().line()).isEqualTo(2);
            assertThat(err.where().column()).isEqualTo(10);
            assertThat(err.message()).contains("expected an instant in the years 1970 to 9999");
        });
    }

    @Test
    void phasesOutsideTheYearsAreRefusedAtTheirLine() {
        PlanException late = catchThrowableOfType(PlanException.class, () -> LOADER.load(new StringReader(plan(
                "9999-12-31T00:00:00Z", """
                phases:
                  - { id: swap, at: T, action: swap }
                  - { id: restore-ttl, at: T+2d, action: restore-ttl }
                """)), FILE));
        assertThat(late.errors()).singleElement().satisfies(err -> {
            assertThat(err.where().line()).isEqualTo(10);
            assertThat(err.message()).contains("phase restore-ttl (T+2d) falls at +10000-01-02T00:00:00Z", "1970 to 9999");
        });
        PlanException early = catchThrowableOfType(PlanException.class,
                () -> LOADER.load(new StringReader(plan("1970-01-02T00:00:00Z", "")), FILE));
        assertThat(early.errors()).singleElement().satisfies(err ->
                assertThat(err.message()).contains("phase lower-ttl (T-72h) falls at 1969-12-30T00:00:00Z"));
    }

    @Test
    void theLastInstantsOfTheRangeAreFine() throws Exception {
        Plan p = LOADER.load(new StringReader(plan("9999-12-30T00:00:00Z", "")), FILE);
        assertThat(p.cutover()).isEqualTo(Instant.parse("9999-12-30T00:00:00Z"));
        assertThat(Timeline.of(p).phases().get(4).at()).isEqualTo(Instant.parse("9999-12-31T00:00:00Z"));
    }

    @ParameterizedTest(name = "--now {0}")
    @ValueSource(strings = {"1969-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"})
    void aClockOutsideTheYearsIsRefusedWithExitTwo(String now, @TempDir Path dir) throws Exception {
        Path planFile = dir.resolve("plan.yaml");
        Files.writeString(planFile, plan("2026-12-01T02:00:00Z", ""));
        Files.createDirectories(dir.resolve("zones"));
        Files.copy(Path.of(System.getProperty("migrate.project.dir", "."), "plans/zones/example.com.zone"),
                dir.resolve("zones/example.com.zone"));
        for (String cmd : List.of("plan", "apply", "status", "rollback")) {
            Cli.Run r = Cli.migrate(cmd, planFile.toString(), "--now", now);
            assertThat(r.code()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).contains("--now/MIGRATE_NOW '" + now + "' is outside the years 1970 to 9999")
                    .doesNotContain("Exception");
        }
        assertThat(dir.resolve(".migrate")).doesNotExist();
    }

    @Test
    void migrateNowOutsideTheYearsIsRefusedToo(@TempDir Path dir) throws Exception {
        Path planFile = dir.resolve("plan.yaml");
        Files.writeString(planFile, plan("2026-12-01T02:00:00Z", ""));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.migrate.cli.Main", "status", planFile.toString());
        pb.environment().put("MIGRATE_NOW", "+20000-01-01T00:00:00Z");
        Process p = pb.redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(said).isEqualTo(2);
        assertThat(said).contains("is outside the years 1970 to 9999");
    }
}
