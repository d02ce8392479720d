package dev.migrate.engine;

import dev.migrate.state.Entry;
import dev.migrate.support.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * May this phase run now? The swap's gate (drift, a lowering not yet done, the earliest safe instant,
 * {@code --force}) and every phase's approval, as pure functions over typed facts: no provider, no CLI,
 * no clock of its own.
 */
public final class SafetyGate {
    private SafetyGate() {}

    /** The gate's answer. */
    public sealed interface Gate {
        /** Go; {@code forcedReasons} lists the rules {@code --force} overrode (journaled, and loud). */
        record Open(List<String> forcedReasons) implements Gate {
            public Open {
                forcedReasons = List.copyOf(forcedReasons);
            }

            public boolean forced() {
                return !forcedReasons.isEmpty();
            }
        }

        /** Safe from {@code until} on; nothing else is wrong. */
        record HeldUntil(Instant until, String why) implements Gate {}

        /** Not until the operator acts. */
        record Refused(String why) implements Gate {}
    }

    /**
     * The swap's gate (DOMAIN.md, RFC 1034 §3.6): live data must be what the plan expects; every target
     * must carry the lowered TTL; and the swap waits until lowering-confirmed + largest original TTL +
     * margin, taken from what the journal says happened.
     *
     * @param drift      targets whose live data is not the plan's {@code from}
     * @param notLowered targets whose live TTL is above the lowered one
     * @param lowering   lower-ttl's journaled facts, or null when no lowering was confirmed
     */
    public static Gate swap(List<String> drift, List<String> notLowered, Entry.SafeSwap lowering, Instant now,
            boolean force) {
        return swap(new SwapFacts(drift, List.of(), notLowered, lowering, List.of()), now, force);
    }

    /**
     * A swap step that changes RRsets an earlier step changed: no resolver may still hold the earlier step's
     * data when it runs, so it waits for that step's confirmation + the lowered TTL + margin.
     *
     * @param safeFrom null while the earlier step's confirm has not confirmed it
     */
    public record EarlierStep(String swap, String confirm, Instant safeFrom) {}

    /**
     * What the gate of one swap step looks at.
     *
     * @param foreign targets whose live data differs from what the journal says the tool last wrote there
     */
    public record SwapFacts(List<String> drift, List<String> foreign, List<String> notLowered, Entry.SafeSwap lowering,
            List<EarlierStep> earlier) {
        public SwapFacts {
            drift = List.copyOf(drift);
            foreign = List.copyOf(foreign);
            notLowered = List.copyOf(notLowered);
            earlier = List.copyOf(earlier);
        }
    }

    /**
     * Every swap step's gate: the swap's rules above, and, for a step after another on the same RRsets,
     * that step's confirmation + lowered TTL + margin.
     */
    public static Gate swap(SwapFacts f, Instant now, boolean force) {
        List<String> drift = f.drift();
        List<String> notLowered = f.notLowered();
        Entry.SafeSwap lowering = f.lowering();
        if (!drift.isEmpty()) {
            return new Gate.Refused("drift: " + String.join("; ", drift) + ". The swap will not overwrite records that"
                    + " are not what the plan expects: fix the live records or the plan's 'from', then run apply again");
        }
        if (!f.foreign().isEmpty()) {
            return new Gate.Refused("changed by someone else since the tool wrote it: " + String.join("; ", f.foreign())
                    + ". The swap will not overwrite it: put back what the tool wrote, or roll back and start again");
        }
        List<String> forced = new ArrayList<>();
        if (!notLowered.isEmpty()) {
            String why = "not lowered: " + String.join("; ", notLowered);
            if (!force) {
                return new Gate.Refused(why + ". Caches may keep the old answer that long; run lower-ttl first (or --force)");
            }
            forced.add(why);
        }
        if (lowering != null && now.isBefore(lowering.earliestSafeSwap())) {
            String why = "unsafe until " + lowering.earliestSafeSwap() + " ("
                    + Durations.relative(lowering.earliestSafeSwap(), now) + "): lower-ttl was confirmed at "
                    + lowering.confirmedAt() + ", the largest original TTL is " + lowering.maxOriginalTtl()
                    + " s, and the margin " + Durations.human(lowering.margin()) + "; caches may still hold the old TTL";
            if (!force) {
                return new Gate.HeldUntil(lowering.earliestSafeSwap(), "swap " + why
                        + ". apply runs it once that time has come (--force overrides, and the journal records it)");
            }
            forced.add(why);
        }
        Instant stepSafe = null;
        for (EarlierStep e : f.earlier()) {
            if (e.safeFrom() == null) {
                String why = "step " + e.swap() + " changed these RRsets and " + (e.confirm() == null ? "has not finished"
                        : e.confirm() + " has not confirmed it yet") + ": no step may follow it before it is live everywhere";
                if (!force) return new Gate.Refused(why);
                forced.add(why);
            } else if (now.isBefore(e.safeFrom()) && (stepSafe == null || e.safeFrom().isAfter(stepSafe))) {
                stepSafe = e.safeFrom();
            }
        }
        if (stepSafe != null) {
            String why = "unsafe until " + stepSafe + " (" + Durations.relative(stepSafe, now) + "): resolvers may still"
                    + " hold what the earlier step wrote until its confirmation + the lowered TTL + margin";
            if (!force) {
                return new Gate.HeldUntil(stepSafe, "swap " + why
                        + ". apply runs it once that time has come (--force overrides, and the journal records it)");
            }
            forced.add(why);
        }
        return new Gate.Open(forced);
    }

    /**
     * Why a phase that needs approval may not run yet, or empty. An approval is for one version of the plan
     * file: approving, then editing the plan, needs a new approval.
     *
     * @param planDigest SHA-256 of the plan file now, or null when unknown
     */
    public static Optional<String> approvalMissing(String phase, Optional<Entry.Approved> approval,
            Optional<Instant> approvedAt, String planDigest, String planFile) {
        String how = "run: migrate approve " + planFile + " " + phase;
        if (approval.isEmpty()) return Optional.of("phase " + phase + " needs an approval; " + how);
        String digest = approval.get().planSha256();
        if (planDigest != null && digest != null && !digest.equals(planDigest)) {
            return Optional.of("phase " + phase + " was approved by " + approval.get().by() + " at "
                    + approvedAt.map(Instant::toString).orElse("?") + " for a different version of the plan file;"
                    + " review the plan and approve again: " + how);
        }
        return Optional.empty();
    }
}
