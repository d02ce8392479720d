package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The default state: {@code journal.jsonl} and {@code lock} in one directory per migration
 * ({@code .migrate/<plan name>/} beside the plan unless told otherwise). Right for one operator on one host.
 */
public final class FileStateStore implements StateStore {
    private final Path dir;
    private final Clock clock;

    public FileStateStore(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public String describe() {
        return "directory " + dir;
    }

    @Override
    public List<Event> read() throws IOException {
        return Journal.eventsIn(dir);
    }

    @Override
    public JournalSession open(String command) throws IOException, LockHeldException {
        StateLock lock;
        try {
            lock = StateLock.acquire(dir, command, clock.instant());
        } catch (StateLock.HeldException e) {
            throw new LockHeldException(e.getMessage());
        }
        try {
            Object lockIdentity = identity(dir.resolve("lock"));
            Journal journal = Journal.open(dir, clock);
            return new Session(lock, lockIdentity, journal, journal.events());
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The file's identity on disk (device and inode where the file system has them). */
    private static Object identity(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return a.fileKey() != null ? a.fileKey() : a.creationTime();
    }

    private final class Session implements JournalSession {
        private final StateLock lock;
        private final Object lockIdentity;
        private final Journal journal;
        private final List<Event> atOpen;

        Session(StateLock lock, Object lockIdentity, Journal journal, List<Event> atOpen) {
            this.lock = lock;
            this.lockIdentity = lockIdentity;
            this.journal = journal;
            this.atOpen = List.copyOf(atOpen);
        }

        @Override
        public List<Event> eventsAtOpen() {
            return atOpen;
        }

        @Override
        public Event append(String type, String phase, String batch, String zone, List<RRsetChange> changes,
                Map<String, String> info) throws IOException {
            stillHeld();
            return journal.append(type, phase, batch, zone, changes, info);
        }

        /**
         * The OS lock is on the file this run opened. If the directory was deleted or replaced since, a
         * second run can lock the new file and act at the same time: this run must not write another line
         * (its journal would land in the other run's directory, or nowhere).
         */
        @Override
        public void stillHeld() throws LockLostException {
            Object now;
            try {
                now = identity(dir.resolve("lock"));
            } catch (IOException e) {
                now = null;
            }
            if (!Objects.equals(now, lockIdentity)) {
                throw new LockLostException("the state directory " + dir + " was " + (now == null ? "deleted" : "replaced")
                        + " while this run held its lock; stopping before touching DNS again. Another run may be"
                        + " using the new directory: check 'migrate status', and restore the journal from a copy if"
                        + " it was lost");
            }
        }

        @Override
        public String archive() throws IOException {
            stillHeld();
            return journal.archive().toString();
        }

        @Override
        public String location() {
            return journal.file().toString();
        }

        @Override
        public void close() throws IOException {
            lock.close();
        }
    }
}
