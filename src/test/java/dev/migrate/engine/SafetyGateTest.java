package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.engine.SafetyGate.Gate;
import dev.migrate.state.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The swap's gate and approvals as pure decisions: no CLI, no provider, no clock. */
class SafetyGateTest {
    static final Instant LOWERED = Instant.parse("2026-11-28T02:00:00Z");
    static final Entry.SafeSwap LOWERING = new Entry.SafeSwap(LOWERED, 14400, Duration.ofMinutes(24),
            LOWERED.plusSeconds(14400).plus(Duration.ofMinutes(24)));
    static final Instant SAFE = LOWERING.earliestSafeSwap();

    @Test
    void opensOnceTheOldTtlHasRunOutEverywhere() {
        assertThat(SafetyGate.swap(List.of(), List.of(), LOWERING, SAFE, false)).isEqualTo(new Gate.Open(List.of()));
        assertThat(SafetyGate.swap(List.of(), List.of(), LOWERING, SAFE.plusSeconds(1), false)).isInstanceOf(Gate.Open.class);
    }

    @Test
    void holdsUntilTheEarliestSafeInstantAndSaysWhy() {
        Gate g = SafetyGate.swap(List.of(), List.of(), LOWERING, SAFE.minusSeconds(1), false);
        assertThat(g).isInstanceOf(Gate.HeldUntil.class);
        Gate.HeldUntil h = (Gate.HeldUntil) g;
        assertThat(h.until()).isEqualTo(SAFE);
        assertThat(h.why()).contains("unsafe until " + SAFE).contains("confirmed at " + LOWERED)
                .contains("14400 s").contains("24m").contains("--force");
    }

    @Test
    void forceOpensAHeldGateAndSaysWhatItOverrode() {
        Gate g = SafetyGate.swap(List.of(), List.of("www A still has TTL 3600"), LOWERING, SAFE.minusSeconds(60), true);
        assertThat(g).isInstanceOf(Gate.Open.class);
        Gate.Open o = (Gate.Open) g;
        assertThat(o.forced()).isTrue();
        assertThat(o.forcedReasons()).hasSize(2);
        assertThat(o.forcedReasons().get(0)).startsWith("not lowered: www A still has TTL 3600");
        assertThat(o.forcedReasons().get(1)).startsWith("unsafe until " + SAFE);
    }

    @Test
    void driftRefusesEvenWithForce() {
        for (boolean force : List.of(false, true)) {
            Gate g = SafetyGate.swap(List.of("www A: plan expects [203.0.113.10] but live is [192.0.2.77]"), List.of(),
                    LOWERING, SAFE, force);
            assertThat(g).as("force=%s", force).isInstanceOf(Gate.Refused.class);
            assertThat(((Gate.Refused) g).why()).startsWith("drift: www A").contains("will not overwrite");
        }
    }

    @Test
    void aTtlNotLoweredRefusesWithoutForce() {
        Gate g = SafetyGate.swap(List.of(), List.of("www A still has TTL 3600 (lowered is 300)"), null, SAFE, false);
        assertThat(g).isInstanceOf(Gate.Refused.class);
        assertThat(((Gate.Refused) g).why()).contains("run lower-ttl first (or --force)");
    }

    @Test
    void withoutALoweringNothingIsWaitedFor() {
        assertThat(SafetyGate.swap(List.of(), List.of(), null, LOWERED.minusSeconds(86400), false))
                .isEqualTo(new Gate.Open(List.of()));
    }

    @Test
    void anApprovalCountsOnlyForThePlanFileItWasGivenFor() {
        Entry.Approved forA = new Entry.Approved("swap", "alice", "aaa", true);
        Optional<Instant> at = Optional.of(LOWERED);
        assertThat(SafetyGate.approvalMissing("swap", Optional.empty(), Optional.empty(), "aaa", "web.yaml"))
                .hasValueSatisfying(m -> assertThat(m).contains("needs an approval").contains("migrate approve web.yaml swap"));
        assertThat(SafetyGate.approvalMissing("swap", Optional.of(forA), at, "aaa", "web.yaml")).isEmpty();
        assertThat(SafetyGate.approvalMissing("swap", Optional.of(forA), at, "bbb", "web.yaml"))
                .hasValueSatisfying(m -> assertThat(m).contains("approved by alice at " + LOWERED)
                        .contains("different version of the plan file"));
        // an approval recorded without a digest, or checked without one, stands
        assertThat(SafetyGate.approvalMissing("swap", Optional.of(new Entry.Approved("swap", "bob", null, true)), at,
                "bbb", "web.yaml")).isEmpty();
        assertThat(SafetyGate.approvalMissing("swap", Optional.of(forA), at, null, "web.yaml")).isEmpty();
    }
}
