package dev.migrate.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Waits until a change is live: every authoritative server address serves the expected RRsets (data and
 * TTL), in {@code rounds} consecutive polls, or the deadline passes.
 */
public interface PropagationCheck {

    Outcome await(List<Expectation> expected, Instant deadline, Listener listener) throws InterruptedException;

    /**
     * One round of SOA queries to every authoritative address: the serial each serves now. Empty when this
     * check asks no nameserver (it reads the provider back).
     */
    default List<SoaSeen> serials() throws InterruptedException {
        return List.of();
    }

    /**
     * @param live        every address matched (unreachable ones only excused when the plan says ignore)
     * @param confirmedAt the instant of the first of the matching rounds that settled it (null when not live)
     * @param summary     one line for the operator
     * @param problems    one line per address that did not match at the end: address, name, state, why
     * @param serials     the SOA serial each address served in the last round (empty when no nameserver was asked)
     */
    record Outcome(boolean live, Instant confirmedAt, String summary, List<String> problems, List<SoaSeen> serials) {
        public Outcome {
            problems = List.copyOf(problems);
            serials = List.copyOf(serials);
        }

        public Outcome(boolean live, Instant confirmedAt, String summary, List<String> problems) {
            this(live, confirmedAt, summary, problems, List.of());
        }
    }

    /** Progress while waiting, for a live line on a terminal. */
    interface Listener {
        void progress(int inSync, int total, List<String> laggards, Duration elapsed, Instant deadline);

        Listener NONE = (a, b, c, d, e) -> {};
    }
}
