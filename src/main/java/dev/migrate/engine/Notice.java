package dev.migrate.engine;

import dev.migrate.plan.Action;
import java.time.Instant;

/**
 * One thing worth telling people about a migration (a phase done, failed or blocked, a forced swap, a
 * rollback, the swap within the hour), in a form every {@link Notifier} renders its own way.
 *
 * @param phase  the phase it is about ({@code rollback} for a rollback)
 * @param action null for a rollback
 * @param at     when it happened, by the engine's clock
 * @param swapAt for {@link Kind#SWAP_SOON}: when the swap is due; null otherwise
 */
public record Notice(Kind kind, String plan, String phase, Action action, String message, Instant at, Instant swapAt) {

    /** How long before the swap its reminder ({@link Kind#SWAP_SOON}) goes out. */
    public static final java.time.Duration SWAP_WARNING = java.time.Duration.ofHours(1);

    public enum Kind {
        PHASE_DONE("phase-done"),
        PHASE_FAILED("phase-failed"),
        PHASE_BLOCKED("phase-blocked"),
        FORCED("forced"),
        ROLLBACK_STARTED("rollback-started"),
        ROLLBACK_FINISHED("rollback-finished"),
        SWAP_SOON("swap-soon");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** The name the journal, the JSON body and the README use. */
        public String word() {
            return word;
        }
    }
}
