package dev.migrate.engine;

/** How a run ended, in the exit-code vocabulary every command shares. */
public enum Verdict {
    OK(0), FAILURE(1), INVALID(2), CHECK_FAILED(3), BLOCKED(4), LOCKED(5);

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The more serious of two verdicts. */
    public Verdict worse(Verdict other) {
        return other.exitCode > exitCode && other != OK ? other : this;
    }
}
