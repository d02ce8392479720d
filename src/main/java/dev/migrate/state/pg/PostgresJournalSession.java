package dev.migrate.state.pg;

import dev.migrate.dns.RRsetChange;
import dev.migrate.state.Event;
import dev.migrate.state.JournalSession;
import dev.migrate.state.LockLostException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run holding a migration's lock in the database: the dedicated connection that holds the advisory
 * lock, the epoch this run took, and a heartbeat that keeps the session from looking idle (the server
 * closes a session silent for {@code takeoverAfter}, and so lets another host take over).
 */
final class PostgresJournalSession implements JournalSession {
    private static final String INSERT = "insert into migrate_event (migration, journal, epoch, "
            + EventRows.COLUMNS + ") select m.name, m.journal, m.epoch, " + EventRows.PLACEHOLDERS
            + " from migrate_migration m where m.name = ? and m.epoch = ?";

    private final PostgresStateStore store;
    private final Connection connection;
    private final long epoch;
    private final List<Event> atOpen;
    private final Clock clock;
    private final ScheduledExecutorService heartbeat;
    private int journal;
    private long seq;
    /** Why this run no longer holds the lock; null while it does. */
    private volatile String lost;
    private boolean closed;

    PostgresJournalSession(PostgresStateStore store, Connection connection, long epoch, int journal, List<Event> atOpen,
            Clock clock) {
        this.store = store;
        this.connection = connection;
        this.epoch = epoch;
        this.journal = journal;
        this.atOpen = List.copyOf(atOpen);
        this.seq = atOpen.isEmpty() ? 0 : atOpen.get(atOpen.size() - 1).seq();
        this.clock = clock;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "migrate-state-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = heartbeatEvery(store.url().takeoverAfter()).toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Three beats within {@code takeoverAfter}: one late beat does not cost a live holder its lock. */
    static Duration heartbeatEvery(Duration takeoverAfter) {
        return takeoverAfter.dividedBy(3);
    }

    @Override
    public List<Event> eventsAtOpen() {
        return atOpen;
    }

    /** The epoch this run took with the lock. */
    long epoch() {
        return epoch;
    }

    @Override
    public synchronized Event append(String type, String phase, String batch, String zone, List<RRsetChange> changes,
            Map<String, String> info) throws IOException {
        stillHeld();
        Event e = new Event(seq + 1, clock.instant(), type, phase, batch, zone, changes, info);
        int inserted;
        synchronized (connection) {
            try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
                EventRows.bind(ps, 1, e);
                ps.setString(10, store.migration());
                ps.setLong(11, epoch);
                inserted = ps.executeUpdate();
            } catch (SQLException ex) {
                throw failed("journaling event " + e.seq(), ex);
            }
        }
        if (inserted == 0) throw lose("another run took the lock over (this run's epoch " + epoch + " is no longer current)");
        seq = e.seq();
        return e;
    }

    @Override
    public synchronized String archive() throws IOException {
        stillHeld();
        int old = journal;
        synchronized (connection) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "update migrate_migration set journal = journal + 1 where name = ? and epoch = ? returning journal")) {
                ps.setString(1, store.migration());
                ps.setLong(2, epoch);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw lose("another run took the lock over (this run's epoch " + epoch + " is no longer current)");
                    journal = rs.getInt(1);
                }
            } catch (SQLException ex) {
                throw failed("starting a fresh journal", ex);
            }
        }
        seq = 0;
        return "journal " + old + " of " + store.describe() + " (rows of migrate_event with journal = " + old + ")";
    }

    @Override
    public String location() {
        return store.describe() + ", journal " + journal;
    }

    /** Keeps the session busy and checks the epoch is still this run's. */
    private void beat() {
        if (lost != null) return;
        synchronized (connection) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "update migrate_migration set heartbeat = now() where name = ? and epoch = ?")) {
                ps.setString(1, store.migration());
                ps.setLong(2, epoch);
                if (ps.executeUpdate() == 0) lost = "another run took the lock over (this run's epoch " + epoch + " is no longer current)";
            } catch (SQLException ex) {
                lost = "the database ended this run's session (" + ex.getMessage() + ")";
            }
        }
        if (lost != null) heartbeat.shutdown();
    }

    @Override
    public void stillHeld() throws LockLostException {
        if (closed) throw new IllegalStateException("the journal session was closed");
        if (lost != null) throw lockLost();
    }

    /**
     * A statement that failed on the lock's connection. A broken connection (SQLSTATE class 08), a session
     * the server ended (57P..: idle timeout, shutdown, terminated) or a clash on the event's key (someone
     * else appended: 23505) all mean the lock is gone; anything else is an I/O failure of this write.
     */
    private IOException failed(String what, SQLException ex) {
        String state = ex.getSQLState() == null ? "" : ex.getSQLState();
        boolean closedNow;
        try {
            closedNow = connection.isClosed();
        } catch (SQLException e) {
            closedNow = true;
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("23505") || closedNow) {
            return lose("the database ended this run's session (" + ex.getMessage() + ")");
        }
        return store.failure(what, ex);
    }

    private LockLostException lose(String why) {
        if (lost == null) lost = why;
        return lockLost();
    }

    private LockLostException lockLost() {
        return new LockLostException("this run no longer holds the lock on " + store.describe() + ": " + lost
                + "; stopping before touching DNS again. Another host may be running the migration now: check"
                + " 'migrate status'");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        heartbeat.shutdownNow();
        synchronized (connection) {
            if (lost == null) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "update migrate_migration set holder = null, holder_backend = null where name = ? and epoch = ?")) {
                    ps.setString(1, store.migration());
                    ps.setLong(2, epoch);
                    ps.executeUpdate();
                } catch (SQLException ignored) {
                    // the lock goes with the session below
                }
                try (PreparedStatement ps = connection.prepareStatement("select pg_advisory_unlock(?, ?)")) {
                    ps.setInt(1, Schema.LOCK_NAMESPACE);
                    ps.setInt(2, store.lockKey());
                    ps.execute();
                } catch (SQLException ignored) {
                    // as above
                }
            }
            PostgresStateStore.closeQuietly(connection);
        }
    }
}
