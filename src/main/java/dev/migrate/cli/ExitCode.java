package dev.migrate.cli;

/** Exit codes shared by every command; cron and scripts rely on them. */
public final class ExitCode {
    private ExitCode() {}

    public static final int OK = 0;
    /** Runtime failure: provider unreachable, I/O. */
    public static final int FAILURE = 1;
    /** Invalid plan or usage. */
    public static final int INVALID = 2;
    /** A check or confirmation failed. */
    public static final int CHECK_FAILED = 3;
    /** Blocked: unsafe, drift, or waiting for an approval. */
    public static final int BLOCKED = 4;
    /** Another run holds the lock. */
    public static final int LOCKED = 5;
}
