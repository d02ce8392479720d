package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Offset;
import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import dev.migrate.testing.Zones;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TTL invariant as a table: swap >= lower-ttl + largest original TTL + margin, where the margin is
 * the plan's or max(5 min, 10% of the largest original TTL). Each row is one plan with one affected RRset,
 * run through the planner as {@code migrate plan} runs it.
 */
class SafetyTableTest {
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));

    static Plan plan(long lowered, String lowerAt, String swapAt, String margin) throws Exception {
        String yaml = "name: safety\n"
                + "cutover: 2026-12-01T02:00:00Z\n"
                + "provider: { type: zonefile, directory: zones }\n"
                + "zones: [example.com]\n"
                + "ttl: { lowered: " + lowered + (margin.equals("default") ? "" : ", margin: " + margin) + " }\n"
                + "changes:\n"
                + "  - { name: www, type: A, to: [198.51.100.20] }\n"
                + "phases:\n"
                + (lowerAt.equals("none") ? "" : "  - { id: lower, at: " + lowerAt + ", action: lower-ttl }\n")
                + "  - { id: swap, at: " + swapAt + ", action: swap }\n";
        return LOADER.load(new StringReader(yaml), Path.of("safety.yaml"));
    }

    static SafetyReport safety(long originalTtl, long lowered, String lowerAt, String swapAt, String margin) throws Exception {
        ZoneSnapshot zone = Zones.withSoa("example.com", "www " + originalTtl + " IN A 203.0.113.10\n");
        return Planner.preview(plan(lowered, lowerAt, swapAt, margin), Map.of("example.com.", zone),
                new ZoneFileProviderFactory().capabilities(), T.minus(Duration.ofDays(10))).safety();
    }

    @ParameterizedTest(name = "[{index}] TTL {0} lowered to {1} at {2}, swap at {3}, margin {4}: earliest {6}, error: {7}")
    @CsvSource(delimiter = '|', textBlock = """
            # original | lowered | lower-ttl    | swap  | margin  | margin s | earliest safe swap | error
            # the standard timeline with a one-day TTL: safe with plenty to spare
              86400    | 300     | T-72h        | T     | default | 8640     | T-45h36m           |
            # a one-day TTL lowered one hour before T: caches may hold the old answer for another day
              86400    | 300     | T-1h         | T     | default | 8640     | T+25h24m           | unsafe: the swap at 2026-12-01T02:00:00Z comes before the earliest safe swap 2026-12-02T03:24:00Z
            # exactly on the boundary is safe; one second short is not
              86400    | 300     | T-26h24m     | T     | default | 8640     | T                  |
              86400    | 300     | T-26h23m59s  | T     | default | 8640     | T+1s               | unsafe
            # the default margin is max(5 min, 10% of the largest original TTL)
              3600     | 300     | T-1h         | T     | default | 360      | T+6m               | unsafe
              3600     | 300     | T-66m        | T     | default | 360      | T                  |
              2000     | 300     | T-72h        | T     | default | 300      | T-71h21m40s        |
            # a margin given in the plan replaces the default
              3600     | 300     | T-72h        | T     | 5m      | 300      | T-70h55m           |
              3600     | 300     | T-2h         | T     | 1h30m   | 5400     | T+30m              | unsafe
              3600     | 300     | T-2h         | T     | 0s      | 0        | T-1h               |
            # late lowering moves the earliest safe swap later; a swap moved later still is safe again
              14400    | 300     | T-2h         | T     | default | 1440     | T+2h24m            | unsafe
              14400    | 300     | T-2h         | T+3h  | default | 1440     | T+2h24m            |
            # lowering and swapping at the same instant is never safe while the TTL is above zero
              86400    | 300     | T            | T     | default | 8640     | T+26h24m           | unsafe
            # no lower-ttl phase: an error when a TTL is above the lowered one, nothing to wait for otherwise
              3600     | 300     | none         | T     | default | 360      | none               | no lower-ttl phase, yet the affected RRsets have TTLs up to 3600 s
              301      | 300     | none         | T     | default | 300      | none               | no lower-ttl phase
              300      | 300     | none         | T     | default | 300      | none               |
              60       | 300     | none         | T     | default | 300      | none               |
              0        | 300     | none         | T     | default | 300      | none               |
            # TTLs already low with a lower-ttl phase: the rule still holds from the lowering instant
              60       | 300     | T-72h        | T     | default | 300      | T-71h54m           |
            """)
    void safetyRule(long originalTtl, long lowered, String lowerAt, String swapAt, String margin,
            long marginSeconds, String earliest, String error) throws Exception {
        SafetyReport s = safety(originalTtl, lowered, lowerAt, swapAt, margin);

        assertThat(s.maxOriginalTtl()).isEqualTo(originalTtl);
        assertThat(s.margin()).isEqualTo(Duration.ofSeconds(marginSeconds));
        assertThat(s.swap()).isEqualTo(Offset.parse(swapAt).from(T));
        if (earliest.equals("none")) {
            assertThat(s.earliestSafeSwap()).isNull();
        } else {
            assertThat(s.earliestSafeSwap()).isEqualTo(Offset.parse(earliest).from(T));
        }
        if (error == null) {
            assertThat(s.errors()).isEmpty();
        } else {
            assertThat(s.errors()).singleElement().asString().contains(error);
        }
    }

    @Test
    void theUnsafeErrorSaysWhatToDo() throws Exception {
        SafetyReport s = safety(86400, 300, "T-1h", "T", "default");
        assertThat(s.errors()).singleElement().asString()
                .contains("lower-ttl at 2026-12-01T01:00:00Z", "largest original TTL 86400 s (1d)", "margin 2h 24m",
                        "move lower-ttl to T-1h minus at least 1d 1h", "or the cutover later");
    }

    @Test
    void theLargestOriginalTtlAmongTheAffectedRRsetsGoverns() throws Exception {
        ZoneSnapshot zone = Zones.withSoa("example.com", """
                www  3600  IN A    203.0.113.10
                mail 14400 IN A    203.0.113.25
                big  86400 IN A    203.0.113.99
                """);
        Plan p = LOADER.load(new StringReader("""
                name: safety
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                phases:
                  - { id: lower, at: T-6h, action: lower-ttl }
                  - { id: swap, at: T, action: swap }
                """), Path.of("safety.yaml"));
        SafetyReport s = Planner.preview(p, Map.of("example.com.", zone), new ZoneFileProviderFactory().capabilities(), T).safety();
        // big (86400) is not affected; mail (14400, hit by the rewrite) is the largest affected TTL
        assertThat(s.maxOriginalTtl()).isEqualTo(14400);
        assertThat(s.margin()).isEqualTo(Duration.ofSeconds(1440));
        assertThat(s.earliestSafeSwap()).isEqualTo(Instant.parse("2026-12-01T00:24:00Z"));
        assertThat(s.errors()).isEmpty();
    }

    @Test
    void safetyFunctionItself() {
        assertThat(Safety.earliestSafeSwap(T, 86400, Duration.ofMinutes(5))).isEqualTo(Instant.parse("2026-12-02T02:05:00Z"));
        assertThat(Safety.earliestSafeSwap(T, 0, Duration.ZERO)).isEqualTo(T);
    }
}
