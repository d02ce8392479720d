package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate plan} as an operator runs it: through the {@code ./migrate} launcher, as a separate
 * process, from the project directory (surefire sets {@code migrate.project.dir}).
 */
class PlanCommandEndToEndTest {
    static final Path PROJECT = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath().normalize();
    static final Path JAR = PROJECT.resolve("target/migrate.jar");
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
        void assertNoStackTrace() {
            assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(out).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    static Run migrate(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("./migrate");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile());
        pb.environment().remove("MIGRATE_NOW");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("migrate-out", ".txt");
        Path err = Files.createTempFile("migrate-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            // the first call may build the jar with Maven
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("./migrate " + String.join(" ", args) + " did not finish");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Run migrate(String... args) throws IOException, InterruptedException {
        return migrate(Map.of(), args);
    }

    @BeforeAll
    static void built() throws Exception {
        Run r = migrate("--version");
        assertThat(r.exit()).as("launcher: %s", r.err()).isZero();
        assertThat(r.out()).contains("migrate 0.1.0");
        assertThat(JAR).exists();
    }

    /** A plan directory of its own: the example zone and a plan written for the test. */
    static Path planIn(Path dir, String yaml) throws IOException {
        Files.createDirectories(dir.resolve("zones"));
        Files.copy(PROJECT.resolve("plans/zones/example.com.zone"), dir.resolve("zones/example.com.zone"));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, yaml);
        return plan;
    }

    static final String HEAD = """
            name: e2e
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            """;

    @Test
    void planTheExampleAsText() throws Exception {
        Run r = migrate("plan", "plans/example.yaml", "--now", "2026-11-22T00:00:00Z");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains(
                "Plan example-web-and-mail: zones example.com., provider zonefile",
                "Cutover T = 2026-12-01T02:00:00Z (in 9d 2h); now 2026-11-22T00:00:00Z",
                "Timeline",
                "lower-ttl      lower-ttl    T-72h    2026-11-28T02:00:00Z  in 6d 2h",
                "swap           swap         T        2026-12-01T02:00:00Z  in 9d 2h",
                "restore-ttl    restore-ttl  T+24h    2026-12-02T02:00:00Z  in 10d 2h",
                "lower-ttl (lower-ttl, 2026-11-28T02:00:00Z): 7 RRsets",
                "mail A (example.com.)  TTL 14400 -> 300   203.0.113.25",
                "swap (swap, 2026-12-01T02:00:00Z): 7 RRsets",
                "before  TTL 300  203.0.113.10",
                "after   TTL 300  198.51.100.20",
                "restore-ttl (restore-ttl, 2026-12-02T02:00:00Z): 7 RRsets",
                "Safety",
                "largest original TTL  14400 s (4h)",
                "margin                24m",
                "earliest safe swap    2026-11-28T06:24:00Z",
                "swap                  2026-12-01T02:00:00Z (safe, 2d 19h to spare)");
        assertThat(r.out()).doesNotContain("Errors").doesNotContain("UNSAFE");
        // the preview wrote nothing
        assertThat(Files.readString(PROJECT.resolve("plans/zones/example.com.zone"))).contains("2026112001 ; serial");
    }

    @Test
    void planTheExampleAsJson() throws Exception {
        Run r = migrate("plan", "plans/example.yaml", "--now", "2026-11-22T00:00:00Z", "--output", "json");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.path("plan").asText()).isEqualTo("example-web-and-mail");
        assertThat(root.path("now").asText()).isEqualTo("2026-11-22T00:00:00Z");

        JsonNode timeline = root.path("timeline");
        assertThat(timeline.isArray()).isTrue();
        assertThat(timeline).hasSize(5);
        assertThat(timeline.get(0).path("id").asText()).isEqualTo("lower-ttl");
        assertThat(timeline.get(0).path("action").asText()).isEqualTo("lower-ttl");
        assertThat(timeline.get(0).path("at").asText()).isEqualTo("2026-11-28T02:00:00Z");
        assertThat(timeline.get(2).path("id").asText()).isEqualTo("swap");
        assertThat(timeline.get(2).path("at").asText()).isEqualTo("2026-12-01T02:00:00Z");

        JsonNode changes = root.path("changes");
        assertThat(changes.isObject()).isTrue();
        assertThat(changes.fieldNames()).toIterable().containsExactly("lower-ttl", "swap", "restore-ttl");
        assertThat(changes.path("swap")).hasSize(7);
        JsonNode mail = null;
        for (JsonNode c : changes.path("swap")) {
            assertThat(c.has("zone") && c.has("name") && c.has("type") && c.has("before") && c.has("after")).isTrue();
            if (c.path("name").asText().equals("mail.example.com.")) mail = c;
        }
        assertThat(mail).isNotNull();
        assertThat(mail.path("zone").asText()).isEqualTo("example.com.");
        assertThat(mail.path("type").asText()).isEqualTo("A");
        assertThat(mail.path("before").path("ttl").asLong()).isEqualTo(300);
        assertThat(mail.path("before").path("rdata").get(0).asText()).isEqualTo("203.0.113.25");
        assertThat(mail.path("after").path("ttl").asLong()).isEqualTo(300);
        assertThat(mail.path("after").path("rdata").get(0).asText()).isEqualTo("198.51.100.25");

        JsonNode safety = root.path("safety");
        assertThat(safety.path("maxOriginalTtl").asLong()).isEqualTo(14400);
        assertThat(safety.path("margin").isNumber()).isTrue();
        assertThat(safety.path("margin").asLong()).isEqualTo(1440);
        assertThat(safety.path("earliestSafeSwap").asText()).isEqualTo("2026-11-28T06:24:00Z");
        assertThat(safety.path("swap").asText()).isEqualTo("2026-12-01T02:00:00Z");
        assertThat(safety.path("errors").isArray()).isTrue();
        assertThat(safety.path("errors")).isEmpty();
        assertThat(safety.path("warnings").isArray()).isTrue();
    }

    @Test
    void jsonGivesNullBeforeForACreatedRRsetAndNullAfterForADeletedOne(@TempDir Path dir) throws Exception {
        Path plan = planIn(dir, HEAD + """
                changes:
                  - { name: api, type: A, to: [198.51.100.30] }
                  - { name: legacy, type: A, to: [] }
                """);
        Run r = migrate("plan", plan.toString(), "--now", "2026-11-22T00:00:00Z", "-o", "json");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode swap = JSON.readTree(r.out()).path("changes").path("swap");
        assertThat(swap).hasSize(2);
        for (JsonNode c : swap) {
            if (c.path("name").asText().equals("api.example.com.")) {
                assertThat(c.path("before").isNull()).isTrue();
                assertThat(c.path("after").path("rdata").get(0).asText()).isEqualTo("198.51.100.30");
            } else {
                assertThat(c.path("name").asText()).isEqualTo("legacy.example.com.");
                assertThat(c.path("after").isNull()).isTrue();
                assertThat(c.path("before").path("ttl").asLong()).isEqualTo(300);
            }
        }
        assertThat(JSON.readTree(r.out()).path("safety").path("warnings").toString())
                .contains("api.example.com. A is created at the swap");
    }

    @Test
    void anUnsafePlanExits4(@TempDir Path dir) throws Exception {
        Path plan = planIn(dir, HEAD + """
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                phases:
                  - { id: lower-ttl, at: T-1h, action: lower-ttl }
                  - { id: swap,      at: T,    action: swap }
                """);
        Run r = migrate("plan", plan.toString(), "--now", "2026-11-22T00:00:00Z");

        assertThat(r.exit()).as(r.err()).isEqualTo(4);
        assertThat(r.out()).contains("earliest safe swap    2026-12-01T02:06:00Z", "(UNSAFE)", "Errors",
                "unsafe: the swap at 2026-12-01T02:00:00Z comes before the earliest safe swap 2026-12-01T02:06:00Z");
        r.assertNoStackTrace();

        Run json = migrate("plan", plan.toString(), "--now", "2026-11-22T00:00:00Z", "--output", "json");
        assertThat(json.exit()).isEqualTo(4);
        assertThat(JSON.readTree(json.out()).path("safety").path("errors")).hasSize(1);
    }

    @Test
    void withoutALowerTtlPhaseLongTtlsAreNotCalledSafe(@TempDir Path dir) throws Exception {
        Path plan = planIn(dir, HEAD + """
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                phases:
                  - { id: swap, at: T, action: swap }
                """);
        Run r = migrate("plan", plan.toString(), "--now", "2026-11-22T00:00:00Z");

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).contains("no lower-ttl phase, yet the affected RRsets have TTLs up to 3600 s",
                "earliest safe swap    none: no lower-ttl phase lowers TTLs of up to 3600 s first",
                "swap                  2026-12-01T02:00:00Z (UNSAFE)");
        assertThat(r.out()).doesNotContain("any time").doesNotContain("(safe");
    }

    @Test
    void ttlsAlreadyLowNeedNoLowering(@TempDir Path dir) throws Exception {
        Path plan = planIn(dir, HEAD.replace("lowered: 300", "lowered: 3600") + """
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                phases:
                  - { id: swap, at: T, action: swap }
                """);
        Run r = migrate("plan", plan.toString(), "--now", "2026-11-22T00:00:00Z");

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("earliest safe swap    any time (no TTL needs lowering)",
                "swap                  2026-12-01T02:00:00Z (safe)");
    }

    @Test
    void aBadPlanExits2WithFileLineColumnAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path plan = planIn(dir, HEAD + """
                changes:
                  - { name: www, type: A, to: ["2001:db8::20"] }
                phases:
                  - { id: swap, at: T, action: swop }
                """);
        Run r = migrate("plan", plan.toString(), "--now", "2026-11-22T00:00:00Z");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(
                plan + ":7:32: found '2001:db8::20', expected an IPv4 address",
                plan + ":9:32: unknown action 'swop'", "(did you mean 'swap'?)",
                "migrate: the plan has 2 errors; nothing was done");
        r.assertNoStackTrace();
    }

    @Test
    void malformedYamlExits2(@TempDir Path dir) throws Exception {
        Path plan = planIn(dir, "name: e2e\ncutover: [2026-12-01T02:00:00Z\n");
        Run r = migrate("plan", plan.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith(plan + ":").contains("malformed YAML");
        r.assertNoStackTrace();
    }

    @Test
    void anOffsetTooLargeForTheClockExits2NotACrash(@TempDir Path dir) throws Exception {
        Path plan = planIn(dir, HEAD + """
                phases:
                  - { id: swap, at: T+106751991167301d, action: swap }
                """);
        Run r = migrate("plan", plan.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(plan + ":7:21: found 'T+106751991167301d'");
        r.assertNoStackTrace();
    }

    @Test
    void aMissingPlanFileExits2() throws Exception {
        Run r = migrate("plan", "plans/no-such-plan.yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("plans/no-such-plan.yaml:1:1: no such plan file");
        r.assertNoStackTrace();
    }

    @Test
    void usageErrorsExit2() throws Exception {
        Run noPlan = migrate("plan");
        assertThat(noPlan.exit()).isEqualTo(2);
        assertThat(noPlan.err()).contains("Missing required parameter: 'PLAN'");

        Run badNow = migrate("plan", "plans/example.yaml", "--now", "yesterday");
        assertThat(badNow.exit()).isEqualTo(2);
        assertThat(badNow.err()).contains("--now/MIGRATE_NOW 'yesterday' is not an ISO-8601 instant");
        badNow.assertNoStackTrace();
    }

    @Test
    void anUnreadableProviderExits1(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, HEAD);
        Run r = migrate("plan", plan.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("zone directory " + dir.resolve("zones") + " does not exist");
        r.assertNoStackTrace();
    }

    @Test
    void migrateNowEnvironmentVariableSetsTheClock() throws Exception {
        Run r = migrate(Map.of("MIGRATE_NOW", "2026-11-30T02:00:00Z"), "plan", "plans/example.yaml", "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out()).path("now").asText()).isEqualTo("2026-11-30T02:00:00Z");

        Run text = migrate(Map.of("MIGRATE_NOW", "2026-11-30T02:00:00Z"), "plan", "plans/example.yaml");
        assertThat(text.out()).contains("Cutover T = 2026-12-01T02:00:00Z (in 1d); now 2026-11-30T02:00:00Z",
                "lower-ttl      lower-ttl    T-72h    2026-11-28T02:00:00Z  2d ago");

        // --now wins over the environment
        Run both = migrate(Map.of("MIGRATE_NOW", "2026-11-30T02:00:00Z"), "plan", "plans/example.yaml", "-o", "json",
                "--now", "2026-11-22T00:00:00Z");
        assertThat(JSON.readTree(both.out()).path("now").asText()).isEqualTo("2026-11-22T00:00:00Z");
    }

    @Test
    void withoutNowTheRealClockIsUsed() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Run r = migrate("plan", "plans/example.yaml", "-o", "json");
        Instant now = Instant.parse(JSON.readTree(r.out()).path("now").asText());
        assertThat(now).isBetween(before, Instant.now().plusSeconds(1));
    }

    @Test
    void aSecondCallDoesNotRebuild() throws Exception {
        FileTime built = Files.getLastModifiedTime(JAR);
        Run r = migrate("plan", "plans/example.yaml", "--now", "2026-11-22T00:00:00Z");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).doesNotContain("building");
        assertThat(Files.getLastModifiedTime(JAR)).isEqualTo(built);
        assertThat(PROJECT.resolve("target.build.log")).doesNotExist();
    }
}
