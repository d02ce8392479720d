package dev.migrate.cli;

import dev.migrate.engine.Verdict;

/** Exit codes shared by every command; cron and scripts rely on them. The numbers live in {@link Verdict}. */
public final class ExitCode {
    private ExitCode() {}

    public static final int OK = Verdict.OK.exitCode();
    /** Runtime failure: provider unreachable, I/O. */
    public static final int FAILURE = Verdict.FAILURE.exitCode();
    /** Invalid plan or usage. */
    public static final int INVALID = Verdict.INVALID.exitCode();
    /** A check or confirmation failed. */
    public static final int CHECK_FAILED = Verdict.CHECK_FAILED.exitCode();
    /** Blocked: unsafe, drift, or waiting for an approval. */
    public static final int BLOCKED = Verdict.BLOCKED.exitCode();
    /** Another run holds the lock. */
    public static final int LOCKED = Verdict.LOCKED.exitCode();
}
