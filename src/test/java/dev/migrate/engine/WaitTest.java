package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.count;
import static dev.migrate.engine.EngineFixture.journal;
import static dev.migrate.engine.EngineFixture.key;
import static dev.migrate.engine.EngineFixture.readZone;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineFixture.Finished;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import dev.migrate.plan.Plan;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.provider.Providers;
import dev.migrate.state.FileStateStore;
import dev.migrate.support.Sleeper;
import dev.migrate.support.VirtualClock;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --wait}: one short timeline run to the end in real time, as a child process; the autopilot
 * behind it on virtual time for the rest.
 */
class WaitTest {
    static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    static final String ZONE = """
            $ORIGIN example.com.
            @     3600 IN SOA ns1.example.com. hostmaster.example.com. 2026112001 7200 900 1209600 300
            @     3600 IN NS  ns1.example.com.
            ns1   3600 IN A   203.0.113.53
            www   2    IN A   203.0.113.10
            mail  2    IN A   203.0.113.25
            smtp  2    IN A   203.0.113.25
            old   3600 IN A   203.0.113.99
            """;

    Path setUp(Instant cutover, String lowerAt) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.writeString(dir.resolve("zones/example.com.zone"), ZONE);
        Path plan = dir.resolve("quick.yaml");
        Files.writeString(plan, """
                name: quick
                cutover: %s
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 1, restore: original, margin: 1s }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                propagation: { interval: 1s }
                phases:
                  - { id: lower-ttl,   at: %s,  action: lower-ttl }
                  - { id: swap,        at: T,     action: swap }
                  - { id: confirm,     at: T+1s,  action: confirm, timeout: 5s }
                  - { id: restore-ttl, at: T+2s,  action: restore-ttl }
                """.formatted(cutover, lowerAt));
        return plan;
    }

    Finished runWait(Path plan) throws Exception {
        Process p = EngineFixture.start(EngineFixture.child(dir, Map.of(), List.of("apply", plan.toString(), "--wait")),
                dir, "wait");
        return EngineFixture.await(p, dir, "wait", LIMIT);
    }

    void assertEndsAsPlanned(ZoneSnapshot before) {
        ZoneSnapshot z = readZone(dir.resolve("zones/example.com.zone"));
        assertThat(z.get(key("www.example.com.", "A"))).isEqualTo(new RRset("www.example.com.", "A", 2, List.of("198.51.100.20")));
        assertThat(z.get(key("mail.example.com.", "A"))).isEqualTo(new RRset("mail.example.com.", "A", 2, List.of("198.51.100.25")));
        assertThat(z.get(key("smtp.example.com.", "A"))).isEqualTo(new RRset("smtp.example.com.", "A", 2, List.of("198.51.100.25")));
        for (String n : List.of("ns1.example.com.", "old.example.com.")) {
            assertThat(z.get(key(n, "A"))).isEqualTo(before.get(key(n, "A")));
        }
        assertThat(z.get(key("example.com.", "NS"))).isEqualTo(before.get(key("example.com.", "NS")));
    }

    /** Each phase started no earlier than its scheduled instant, in real time, and finished once. */
    void assertRanOnTime(Path stateDir) throws Exception {
        List<JsonNode> events = journal(stateDir);
        for (String phase : List.of("lower-ttl", "swap", "confirm", "restore-ttl")) {
            assertThat(count(events, "phase-finished", phase)).as("%s finished", phase).isEqualTo(1);
            JsonNode started = events.stream().filter(e -> e.get("event").asText().equals("phase-started")
                    && e.get("phase").asText().equals(phase)).findFirst().orElseThrow();
            Instant at = Instant.parse(started.get("at").asText());
            Instant scheduled = Instant.parse(started.get("info").get("scheduledAt").asText());
            assertThat(at).as("%s started at %s, scheduled %s", phase, at, scheduled).isAfterOrEqualTo(scheduled);
        }
    }

    @Test
    void waitRunsAFewSecondsLongTimelineToTheEndInRealTime() throws Exception {
        Instant cutover = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(6);
        Path plan = setUp(cutover, "T-4s");
        ZoneSnapshot before = readZone(dir.resolve("zones/example.com.zone"));

        Finished f = runWait(plan);
        Instant ended = Instant.now();
        assertThat(f.exit()).as("apply --wait: %s%s", f.out(), f.err()).isZero();
        assertThat(ended).as("it waited for restore-ttl at T+2s").isAfterOrEqualTo(cutover.plusSeconds(2));
        assertThat(f.out()).contains("lower-ttl: done").contains("swap: done").contains("confirm: done")
                .contains("restore-ttl: done").contains("the timeline is complete");
        assertEndsAsPlanned(before);
        assertRanOnTime(dir.resolve(".migrate/quick"));
    }

    /** The autopilot behind {@code --wait}, on a virtual clock that sleeping moves forward: no real waiting. */
    RunReport autopilot(Path plan, Instant start, List<Instant> wokeAt) throws Exception {
        Providers providers = Providers.discover();
        Plan p = Workspace.load(plan, providers);
        VirtualClock clock = new VirtualClock(start);
        Workspace ws = Workspace.open(p, providers, System::getenv, clock);
        Engine engine = new Engine(ws, new FileStateStore(Engine.stateDir(p, null), clock), clock, clock,
                new DefaultProbes(ws.provider(), clock, clock, ServiceChecks.NONE), EngineListener.SILENT, null);
        Sleeper recording = d -> {
            clock.sleep(d);
            wokeAt.add(clock.instant());
        };
        return new Autopilot(engine, clock, recording, false).run((startedAt, report, held) -> { });
    }

    @Test
    void waitSleepsUntilTheEarliestSafeSwapWhenTheLoweringWasLate() throws Exception {
        // lower-ttl at T-1s: the old TTL (2 s) plus the margin (1 s) run out only at T+2s, after the swap's time
        Instant cutover = Instant.parse("2026-12-01T02:00:00Z");
        Path plan = setUp(cutover, "T-1s");
        ZoneSnapshot before = readZone(dir.resolve("zones/example.com.zone"));

        List<Instant> wokeAt = new ArrayList<>();
        long wall = System.nanoTime();
        RunReport r = autopilot(plan, cutover.minusSeconds(3600), wokeAt);
        Duration took = Duration.ofNanos(System.nanoTime() - wall);
        assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.OK);
        assertThat(took).as("an hour and a few seconds of virtual time").isLessThan(Duration.ofSeconds(5));
        assertEndsAsPlanned(before);
        Path stateDir = dir.resolve(".migrate/quick");
        assertRanOnTime(stateDir);
        List<JsonNode> events = journal(stateDir);
        Instant earliest = Instant.parse(events.stream().filter(e -> e.get("event").asText().equals("phase-finished")
                && e.get("phase").asText().equals("lower-ttl")).findFirst().orElseThrow().get("info").get("earliestSafeSwap").asText());
        Instant swapStarted = Instant.parse(events.stream().filter(e -> e.get("event").asText().equals("phase-started")
                && e.get("phase").asText().equals("swap")).findFirst().orElseThrow().get("at").asText());
        assertThat(earliest).as("the late lowering pushed the safe swap past T").isAfter(cutover);
        assertThat(swapStarted).as("the swap waited for its earliest safe instant").isEqualTo(earliest);
        assertThat(wokeAt).as("it slept until lower-ttl, then until the earliest safe swap").contains(cutover.minusSeconds(1), earliest);
        assertThat(count(events, "forced", null)).isZero();
    }

    @Test
    void theAutopilotRunsTheWholeTimelineOnVirtualTime() throws Exception {
        Instant cutover = Instant.parse("2026-12-01T02:00:00Z");
        Path plan = setUp(cutover, "T-4s");
        ZoneSnapshot before = readZone(dir.resolve("zones/example.com.zone"));
        List<Instant> wokeAt = new ArrayList<>();
        RunReport r = autopilot(plan, cutover.minusSeconds(60), wokeAt);
        assertThat(r.verdict()).isEqualTo(Verdict.OK);
        assertThat(r.nextPhase()).as("finished").isNull();
        assertEndsAsPlanned(before);
        assertRanOnTime(dir.resolve(".migrate/quick"));
        assertThat(wokeAt).as("woke at each phase's instant").containsSubsequence(cutover.minusSeconds(4), cutover,
                cutover.plusSeconds(1), cutover.plusSeconds(2));
    }
}
