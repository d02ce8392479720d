package dev.migrate.plan;

import java.util.List;
import java.util.stream.Collectors;

/** The plan cannot be used; carries every error found, each with its file:line:column. */
public final class PlanException extends Exception {
    private final List<PlanError> errors;

    public PlanException(List<PlanError> errors) {
        super(errors.stream().map(PlanError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public PlanException(PlanError error) {
        this(List.of(error));
    }

    public List<PlanError> errors() {
        return errors;
    }
}
