package dev.migrate.state;

/** Another run holds the lock on this migration; the message names it (who, which command, since when). */
public final class LockHeldException extends Exception {
    public LockHeldException(String message) {
        super(message);
    }
}
