package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimelineTest {
    static final String HEAD = """
            name: timeline
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            """;

    static Timeline timeline(String phases) throws PlanException {
        Plan p = PlanLoaderTest.LOADER.load(new StringReader(HEAD + phases), PlanLoaderTest.FILE);
        return Timeline.of(p);
    }

    @Test
    void standardTimelineResolvesToAbsoluteInstants() throws Exception {
        Timeline t = timeline("");
        assertThat(t.cutover()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        assertThat(t.phases()).extracting(ScheduledPhase::id, ScheduledPhase::at)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("lower-ttl", Instant.parse("2026-11-28T02:00:00Z")),
                        org.assertj.core.groups.Tuple.tuple("verify", Instant.parse("2026-11-30T02:00:00Z")),
                        org.assertj.core.groups.Tuple.tuple("swap", Instant.parse("2026-12-01T02:00:00Z")),
                        org.assertj.core.groups.Tuple.tuple("confirm", Instant.parse("2026-12-01T02:05:00Z")),
                        org.assertj.core.groups.Tuple.tuple("restore-ttl", Instant.parse("2026-12-02T02:00:00Z")));
    }

    @Test
    void phasesRunInTimeOrderWhateverOrderThePlanListsThem() throws Exception {
        Timeline t = timeline("""
                phases:
                  - { id: restore, at: T+2d,    action: restore-ttl }
                  - { id: swap,    at: T,       action: swap }
                  - { id: check,   at: T+90s,   action: confirm }
                  - { id: lower,   at: T-1h30m, action: lower-ttl }
                  - { id: early,   at: T-2d,    action: verify }
                """);
        assertThat(t.phases()).extracting(ScheduledPhase::id).containsExactly("early", "lower", "swap", "check", "restore");
        assertThat(t.phases()).extracting(ScheduledPhase::at).containsExactly(
                Instant.parse("2026-11-29T02:00:00Z"),
                Instant.parse("2026-12-01T00:30:00Z"),
                Instant.parse("2026-12-01T02:00:00Z"),
                Instant.parse("2026-12-01T02:01:30Z"),
                Instant.parse("2026-12-03T02:00:00Z"));
        assertThat(t.indexOf("swap")).isEqualTo(2);
        assertThat(t.indexOf("nope")).isEqualTo(-1);
        assertThat(t.first(Action.CONFIRM).orElseThrow().id()).isEqualTo("check");
        assertThat(t.phase("lower").orElseThrow().action()).isEqualTo(Action.LOWER_TTL);
        assertThat(t.first(Action.LOWER_TTL).orElseThrow().at()).isEqualTo(Instant.parse("2026-12-01T00:30:00Z"));
    }

    @Test
    void tiesKeepPlanOrder() throws Exception {
        Timeline t = timeline("""
                phases:
                  - { id: v2,    at: T-1h,  action: verify }
                  - { id: swap,  at: T,     action: swap }
                  - { id: v1,    at: T-60m, action: verify }
                  - { id: lower, at: T-3600s, action: lower-ttl }
                  - { id: c,     at: T+0s,  action: confirm }
                """);
        // v2, v1 and lower are all at T-1h; swap and c are both at T: plan order within each instant
        assertThat(t.phases()).extracting(ScheduledPhase::id).containsExactly("v2", "v1", "lower", "swap", "c");
    }

    @Test
    void firstOfAnActionIsTheEarliestInTime() throws Exception {
        Timeline t = timeline("""
                phases:
                  - { id: late-verify,  at: T-1h,  action: verify }
                  - { id: early-verify, at: T-24h, action: verify }
                  - { id: swap,         at: T,     action: swap }
                """);
        assertThat(t.first(Action.VERIFY).orElseThrow().id()).isEqualTo("early-verify");
        assertThat(t.first(Action.LOWER_TTL)).isEmpty();
    }

    @Test
    void theSoakIsDueAtWhatAwaitDelegationMeasuredElseAtThePlannedEstimate() throws Exception {
        Timeline t = timeline("""
                phases:
                  - { id: swap,      at: T,  action: swap }
                  - { id: delegated, at: T,  action: verify }
                  - { id: soak,      at: delegated+30m, action: verify }
                """);
        ScheduledPhase soak = t.phase("soak").orElseThrow();
        assertThat(t.estimated(soak)).isFalse();
        Instant seen = Instant.parse("2026-12-01T03:00:00Z");
        java.util.function.Function<String, java.util.Optional<Instant>> finished =
                id -> id.equals("delegated") ? java.util.Optional.of(seen) : java.util.Optional.empty();
        // Without parent-ttl the soak is not counted, measured or not.
        assertThat(t.dueAt(soak, finished, id -> java.util.Optional.of(java.time.Duration.ofDays(9))))
                .contains(seen.plusSeconds(1800));
        Offset withSoak = Offset.parse("delegated+parent-ttl+30m", java.util.Set.of("delegated"));
        ScheduledPhase s2 = new ScheduledPhase(new PhaseSpec("soak", withSoak, Action.VERIFY, null, false, OnFailure.HALT,
                null, false, null, null, null), soak.at());
        Timeline t2 = new Timeline(t.cutover(), java.util.List.of(t.phases().get(0), t.phases().get(1), s2), 300);
        assertThat(t2.dueAt(s2, finished, id -> java.util.Optional.of(java.time.Duration.ofSeconds(3600))))
                .contains(seen.plusSeconds(3600 + 1800));
        // Not yet measured: the planned soak (the usual parent NS TTL).
        assertThat(t2.dueAt(s2, finished, id -> java.util.Optional.empty()))
                .contains(seen.plus(Offset.USUAL_PARENT_NS_TTL).plusSeconds(1800));
        assertThat(t2.dueAt(s2, id -> java.util.Optional.empty(), id -> java.util.Optional.empty())).isEmpty();
        assertThat(t2.estimated(s2)).isTrue();
    }
}
