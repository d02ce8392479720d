package dev.migrate.state;

import java.io.IOException;

/**
 * This run held the lock and no longer does (its state directory was deleted or replaced under it, or
 * another host took the lock over after this one stopped answering). Nothing more may be journaled or
 * written to DNS by this run.
 */
public final class LockLostException extends IOException {
    public LockLostException(String message) {
        super(message);
    }
}
