package dev.migrate.engine;

/** Stops a run with a verdict and an operator's message. */
public final class EngineException extends Exception {
    private final Verdict verdict;

    public EngineException(Verdict verdict, String message) {
        super(message);
        this.verdict = verdict;
    }

    public EngineException(Verdict verdict, String message, Throwable cause) {
        super(message, cause);
        this.verdict = verdict;
    }

    public Verdict verdict() {
        return verdict;
    }
}
