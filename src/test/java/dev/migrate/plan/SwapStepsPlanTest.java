package dev.migrate.plan;

import static dev.migrate.plan.PlanLoaderTest.assertError;
import static dev.migrate.plan.PlanLoaderTest.errors;
import static dev.migrate.plan.PlanLoaderTest.load;
import static dev.migrate.plan.PlanLoaderTest.onlyError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several swap steps in one plan (issue 11): each swap phase with its own changes, rewrite and zones
 * ({@code rest}), confirms naming their swap, phases anchored on another's finish. Good plans load with the
 * steps and the timeline the operator wrote; each misuse is an error at file:line:column (line 1 is the first
 * line of each text block).
 */
class SwapStepsPlanTest {
    static final Path PLANS = Path.of(System.getProperty("migrate.project.dir", "."), "plans");

    static final String HEAD = """
            name: mail-move
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.org, example.net]
            ttl: { lowered: 300 }
            """;

    @ParameterizedTest(name = "plans/{0} loads")
    @ValueSource(strings = {"mail-move.yaml", "round-robin.yaml", "waves.yaml"})
    void theStepExamplesLoad(String file) throws Exception {
        Plan p = PlanLoaderTest.LOADER.load(PLANS.resolve(file));
        assertThat(p.steps()).isNotEmpty();
        assertThat(Timeline.of(p).phases()).hasSameSizeAs(p.phases());
    }

    @Test
    void theMailPlanHasTwoStepsAndItsAnchoredPhasesArePlannedFromTheirAnchors() throws Exception {
        Plan p = PlanLoaderTest.LOADER.load(PLANS.resolve("mail-move.yaml"));
        assertThat(p.steps()).extracting(SwapStep::phase).containsExactly("hold", "open");
        assertThat(p.step("hold").orElseThrow().changes()).singleElement()
                .satisfies(c -> assertThat(c.to()).containsExactly("10 hold.example.org."));
        assertThat(p.step("open").orElseThrow().changes()).singleElement()
                .satisfies(c -> assertThat(c.from()).containsExactly("10 hold.example.org."));
        Timeline t = Timeline.of(p);
        // hold at T, hold-live at hold+1m, verify-new at hold-live+ttl (300 s), open 5 min later
        assertThat(t.phases()).extracting(ScheduledPhase::id, ScheduledPhase::at).containsExactly(
                tuple("lower-ttl", Instant.parse("2026-11-28T02:00:00Z")),
                tuple("verify", Instant.parse("2026-11-30T02:00:00Z")),
                tuple("hold", Instant.parse("2026-12-01T02:00:00Z")),
                tuple("hold-live", Instant.parse("2026-12-01T02:01:00Z")),
                tuple("verify-new", Instant.parse("2026-12-01T02:06:00Z")),
                tuple("open", Instant.parse("2026-12-01T02:11:00Z")),
                tuple("open-live", Instant.parse("2026-12-01T02:12:00Z")),
                tuple("restore-ttl", Instant.parse("2026-12-06T02:00:00Z")));
        assertThat(t.swapConfirmedBy(t.phase("open-live").orElseThrow()).orElseThrow().id()).isEqualTo("open");
        assertThat(t.confirmOf(t.phase("hold").orElseThrow()).orElseThrow().id()).isEqualTo("hold-live");
    }

    @Test
    void theWavesPlanGivesRestTheZonesNoEarlierWaveNamed() throws Exception {
        Plan p = PlanLoaderTest.LOADER.load(PLANS.resolve("waves.yaml"));
        assertThat(p.steps()).extracting(SwapStep::phase, SwapStep::zones).containsExactly(
                tuple("canary", List.of("site1.example.")),
                tuple("wave-2", List.of("site2.example.", "site3.example.")),
                tuple("the-rest", List.of("site4.example.", "site5.example.")));
        assertThat(p.steps()).allSatisfy(s -> assertThat(s.rewrites()).hasSize(1));
    }

    @Test
    void aPhaseAnchoredOnAPhaseListedAfterItRunsAfterThatPhase() throws Exception {
        Plan p = load(HEAD + """
                changes:
                  - { zone: example.org, name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                phases:
                  - { id: check, at: swap+2ttl+1m, action: confirm }
                  - { id: swap,  at: T, action: swap }
                """);
        assertThat(Timeline.of(p).phases()).extracting(ScheduledPhase::id, ScheduledPhase::at).containsExactly(
                tuple("swap", Instant.parse("2026-12-01T02:00:00Z")),
                tuple("check", Instant.parse("2026-12-01T02:11:00Z")));
    }

    @Test
    void anUnknownAnchorIsAnErrorNamingThePhasesAndTheNearestOne() {
        onlyError(HEAD + """
                phases:
                  - { id: hold,      at: T,     action: swap }
                  - { id: hold-live, at: hodl+1m, action: confirm }
                """, 8, 26, "counts from 'hodl', which is neither T nor a phase", "did you mean 'hold'");
    }

    @Test
    void anAnchorCycleIsAnErrorAtEachPhaseOfIt() {
        List<PlanError> errs = errors(HEAD + """
                phases:
                  - { id: hold,      at: T,            action: swap }
                  - { id: a,         at: b+1m,         action: confirm }
                  - { id: b,         at: a+ttl,        action: verify }
                """);
        assertThat(errs).hasSize(2);
        assertError(errs.get(0), 8, 5, "phase a counts from itself through a -> b -> a", "anchor one of them on T");
        assertError(errs.get(1), 9, 5, "phase b counts from itself through b -> a -> b");
    }

    @Test
    void aPhaseCountingFromItselfIsAnError() {
        onlyError(HEAD + """
                phases:
                  - { id: hold, at: hold+1m, action: swap }
                """, 7, 21, "phase hold counts from itself");
    }

    @Test
    void anAnchoredPhaseMayNotRunBeforeItsAnchor() {
        onlyError(HEAD + """
                phases:
                  - { id: hold, at: T, action: swap }
                  - { id: early, at: hold-5m, action: verify }
                """, 8, 22, "runs before hold has finished", "+ offsets only");
    }

    @Test
    void aStepWhoseFromContradictsThePreviousStepsToIsAnErrorAtThatChange() {
        List<PlanError> errs = errors(HEAD + """
                phases:
                  - { id: hold, at: T, action: swap,
                      changes: [ { zone: example.org, name: "@", type: MX, from: ["10 mail.example.org."], to: ["10 hold.example.org."] } ] }
                  - { id: open, at: hold+1h, action: swap,
                      changes: [ { zone: example.org, name: "@", type: MX, from: ["10 mail.example.org."], to: ["10 mx2.example.org."] } ] }
                """);
        assertThat(errs).hasSize(1);
        assertError(errs.get(0), 10, 18, "example.org. MX: 'from' [10 mail.example.org.] contradicts the step before it (hold, line 8)",
                "which sets [10 hold.example.org.]");
    }

    @Test
    void aFromWrittenInAnotherFormThanThePreviousTosDataIsTheSameData() throws Exception {
        // Record data is normalised when the plan loads: a relative target and the order do not make it other data.
        Plan p = load(HEAD + """
                phases:
                  - { id: both, at: T, action: swap,
                      changes: [ { zone: example.org, name: www, type: A, from: [203.0.113.10], to: [203.0.113.10, 198.51.100.20] } ] }
                  - { id: new, at: both+1h, action: swap,
                      changes: [ { zone: example.org, name: www, type: A, from: [198.51.100.20, 203.0.113.10], to: [198.51.100.20] } ] }
                  - { id: hold, at: T, action: swap,
                      changes: [ { zone: example.org, name: "@", type: MX, to: ["10 hold"] } ] }
                  - { id: open, at: hold+1h, action: swap,
                      changes: [ { zone: example.org, name: "@", type: MX, from: ["10 hold.example.org."], to: ["10 mx2"] } ] }
                  - { id: back, at: open+1h, action: swap,
                      changes: [ { zone: example.org, name: "@", type: MX, from: ["10 mx2.example.org."], to: ["10 mail.example.org."] } ] }
                """);
        assertThat(p.steps()).hasSize(5);
    }

    @Test
    void restWithNothingLeftIsAnErrorAtRest() {
        onlyError(HEAD + """
                rewrite:
                  - { from: 203.0.113.10, to: 198.51.100.10 }
                phases:
                  - { id: first,  at: T,    action: swap, zones: [example.org, example.net] }
                  - { id: others, at: T+1h, action: swap, zones: rest }
                """, 10, 50, "'rest' leaves no zone for others", "earlier swap phases name every zone");
    }

    @Test
    void aZoneAWaveNamesMustBeOneOfThePlansZones() {
        onlyError(HEAD + """
                rewrite:
                  - { from: 203.0.113.10, to: 198.51.100.10 }
                phases:
                  - { id: first,  at: T,    action: swap, zones: [example.com] }
                """, 9, 51, "zone 'example.com' is not in 'zones'", "example.org", "example.net");
    }

    @Test
    void swapOnAConfirmMustNameASwapPhase() {
        onlyError(HEAD + """
                changes:
                  - { zone: example.org, name: www, type: A, to: [198.51.100.20] }
                phases:
                  - { id: verify, at: T-1h, action: verify }
                  - { id: swap,   at: T,    action: swap }
                  - { id: live,   at: swap+1m, action: confirm, swap: verify }
                """, 11, 55, "'verify' is not a swap phase of this plan", "swap phases are [swap]");
    }

    @Test
    void swapOnAConfirmNamingNoPhaseIsAnError() {
        onlyError(HEAD + """
                changes:
                  - { zone: example.org, name: www, type: A, to: [198.51.100.20] }
                phases:
                  - { id: swap,   at: T,    action: swap }
                  - { id: live,   at: swap+1m, action: confirm, swap: swapp }
                """, 10, 55, "'swapp' is not a swap phase of this plan");
    }

    @Test
    void aConfirmMayNotRunBeforeTheSwapItNames() {
        // It would confirm nothing, and a later step on the same records would count from it.
        onlyError(HEAD + """
                changes:
                  - { zone: example.org, name: www, type: A, to: [198.51.100.20] }
                phases:
                  - { id: live,   at: T-1m, action: confirm, swap: swap }
                  - { id: swap,   at: T,    action: swap }
                """, 9, 52, "'live' runs before swap 'swap', which it confirms", "after it");
    }

    @Test
    void swapBelongsToConfirmOnly() {
        onlyError(HEAD + """
                phases:
                  - { id: swap,   at: T,    action: swap, swap: swap }
                """, 7, 43, "'swap' belongs to a confirm phase");
    }

    @Test
    void changesBelongToSwapPhasesOnly() {
        onlyError(HEAD + """
                phases:
                  - { id: v, at: T, action: verify, zones: [example.org] }
                """, 7, 37, "'zones' belongs to a swap phase", "not to verify");
    }

    @Test
    void twoWavesSharingAZoneWithThePlansChangesIsAnError() {
        onlyError(HEAD + """
                rewrite:
                  - { from: 203.0.113.10, to: 198.51.100.10 }
                phases:
                  - { id: one, at: T,    action: swap, zones: [example.org] }
                  - { id: two, at: T+1h, action: swap, zones: [example.org, example.net] }
                """, 10, 47, "swap phases one and two both apply the plan's changes to example.org.",
                "give each its zones (waves) or its own changes");
    }

    @Test
    void twoSwapPhasesWithoutZonesShareEveryZoneAndThatIsAnError() {
        onlyError(HEAD + """
                rewrite:
                  - { from: 203.0.113.10, to: 198.51.100.10 }
                phases:
                  - { id: one, at: T,    action: swap }
                  - { id: two, at: T+1h, action: swap }
                """, 10, 5, "swap phases one and two both apply the plan's changes");
    }

    @Test
    void twoStepsWithTheirOwnChangesMayShareAZone() throws Exception {
        Plan p = load(HEAD + """
                phases:
                  - { id: one, at: T,    action: swap, zones: [example.org],
                      changes: [ { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] } ] }
                  - { id: two, at: T+1h, action: swap, zones: [example.org],
                      changes: [ { name: mail, type: A, from: [203.0.113.25], to: [198.51.100.25] } ] }
                """);
        assertThat(p.steps()).extracting(SwapStep::phase).containsExactly("one", "two");
        assertThat(p.allChanges()).hasSize(2);
    }
}
