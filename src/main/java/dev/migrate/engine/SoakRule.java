package dev.migrate.engine;

import dev.migrate.engine.SafetyGate.Gate;
import dev.migrate.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When the old provider may be let go (DOMAIN.md, "Nameserver (delegation) changes"): a resolver that
 * fetched the old delegation from the parent keeps asking the old servers for the parent's NS TTL, and one
 * that took the old NS set from the child's own apex keeps it for the old child NS TTL; so the old provider
 * keeps serving identical data until parent NS TTL + old child NS TTL + margin after the new delegation
 * was seen at every parent address. Measured from what the parent actually served, not from what the
 * registrar's form said. Pure.
 */
public final class SoakRule {
    private SoakRule() {}

    /**
     * await-delegation's facts.
     *
     * @param seenEverywhereAt when every parent address was first seen delegating to the new set (a streak's first round)
     * @param parentNsTtl      the largest NS TTL the parent served for the delegation
     * @param oldChildNsTtl    the largest TTL the old zone's apex NS had while it was in use (before any lowering)
     */
    public record Facts(Instant seenEverywhereAt, long parentNsTtl, long oldChildNsTtl, Duration margin) {
        public Instant releaseAt() {
            return seenEverywhereAt.plusSeconds(parentNsTtl + oldChildNsTtl).plus(margin);
        }
    }

    /**
     * The old child NS TTL caches may hold: the larger of what the journal says it was before lower-ttl
     * lowered it (null when it was not lowered) and what it is now.
     */
    public static long oldChildNsTtl(Long originalFromJournal, long live) {
        return originalFromJournal == null ? live : Math.max(originalFromJournal, live);
    }

    /**
     * May release-old run now?
     *
     * @param facts null when the delegation was never seen at every parent address
     * @param force the operator overrides the wait ({@code --force}); never the missing delegation
     */
    public static Gate release(Facts facts, Instant now, boolean force) {
        if (facts == null) {
            return new Gate.Refused("the new delegation was never seen at every parent address: await-delegation must"
                    + " finish before the old provider is let go");
        }
        Instant at = facts.releaseAt();
        if (!now.isBefore(at)) return new Gate.Open(List.of());
        String why = "the old provider must keep serving until " + at + " (" + Durations.relative(at, now) + "): the new"
                + " delegation was seen at every parent address at " + facts.seenEverywhereAt() + ", the parent's NS TTL is "
                + facts.parentNsTtl() + " s, the old zone's NS TTL " + facts.oldChildNsTtl() + " s, and the margin "
                + Durations.human(facts.margin()) + "; until then resolvers may still ask the old servers";
        if (force) return new Gate.Open(List.of(why));
        return new Gate.HeldUntil(at, why + ". apply runs release-old once that time has come (--force overrides, and"
                + " the journal records it)");
    }
}
