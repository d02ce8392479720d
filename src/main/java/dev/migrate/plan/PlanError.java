package dev.migrate.plan;

/** One thing wrong in a plan: where, and what to do about it. */
public record PlanError(Location where, String message) {
    @Override
    public String toString() {
        return where + ": " + message;
    }
}
