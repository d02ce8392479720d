package dev.migrate.plan;

/** What a failed confirm does: put the old records back, or stop and leave things for the operator. */
public enum OnFailure { ROLLBACK, HALT }
