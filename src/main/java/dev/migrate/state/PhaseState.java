package dev.migrate.state;

/** A phase's state as {@code migrate status} shows it, derived from the journal and the clock. */
public enum PhaseState {
    PENDING("pending"), DUE("due"), RUNNING("running"), DONE("done"), FAILED("failed"),
    ROLLED_BACK("rolled-back"), SKIPPED("skipped");

    private final String word;

    PhaseState(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    @Override
    public String toString() {
        return word;
    }
}
