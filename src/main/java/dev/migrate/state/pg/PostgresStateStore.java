package dev.migrate.state.pg;

import dev.migrate.secret.Secret;
import dev.migrate.state.Event;
import dev.migrate.state.JournalSession;
import dev.migrate.state.LockHeldException;
import dev.migrate.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A migration's journal and lock in a shared PostgreSQL database, for several cron hosts, CI runners and
 * operators working on one migration. The same semantics as the directory beside the plan: events in
 * order, each committed before {@code append} returns, one run at a time.
 *
 * <p>The lock is a session-level advisory lock ({@code pg_try_advisory_lock(namespace, key)}) on one
 * dedicated connection, which the server drops with its session when the holder dies, goes silent for
 * {@code takeoverAfter}, or loses its network. Every run that takes the lock bumps the migration's
 * epoch, and every event insert names the epoch it holds in the same statement: a run that lost the lock
 * inserts nothing and is told so ({@link dev.migrate.state.LockLostException}) before it touches DNS again.
 */
public final class PostgresStateStore implements StateStore {
    private final PostgresUrl url;
    private final Secret password;
    private final String migration;
    private final String planDigest;
    private final Clock clock;
    private final int lockKey;

    public PostgresStateStore(PostgresUrl url, Secret password, String migration, String planDigest, Clock clock) {
        this.url = url;
        this.password = password;
        this.migration = migration;
        this.planDigest = planDigest;
        this.clock = clock;
        this.lockKey = Schema.lockKey(migration);
    }

    /**
     * The store for {@code migration}, its password read now: the URL's {@code passwordFile}, else
     * {@code PGPASSWORD}, else none here (the driver then reads {@code ~/.pgpass} or {@code PGPASSFILE}).
     *
     * @throws IllegalArgumentException when the password file cannot be read (message safe to print)
     */
    public static PostgresStateStore of(PostgresUrl url, String migration, String planDigest, Clock clock,
            Function<String, String> env) {
        return new PostgresStateStore(url, password(url, env), migration, planDigest, clock);
    }

    static Secret password(PostgresUrl url, Function<String, String> env) {
        if (url.passwordFile() != null) {
            Path f = url.passwordFile();
            String text;
            try {
                text = Files.readString(f);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("passwordFile " + f + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("passwordFile " + f + ": cannot read it (" + e.getMessage() + ")");
            }
            String first = text.lines().findFirst().orElse("");
            if (first.isBlank()) throw new IllegalArgumentException("passwordFile " + f + " is empty");
            return Secret.of(first, "passwordFile " + f);
        }
        String v = env.apply("PGPASSWORD");
        return v == null || v.isEmpty() ? null : Secret.of(v, "PGPASSWORD");
    }

    public PostgresUrl url() {
        return url;
    }

    public String migration() {
        return migration;
    }

    @Override
    public String describe() {
        return "database " + url + ", migration " + migration;
    }

    @Override
    public List<Event> read() throws IOException {
        try (Connection c = Connections.open(url, password)) {
            if (!Schema.present(c)) return List.of();
            return currentJournal(c);
        } catch (SQLException e) {
            throw failure("cannot read the journal", e);
        }
    }

    /** The events of the migration's current journal, in order (none when it has no row yet). */
    List<Event> currentJournal(Connection c) throws SQLException, IOException {
        List<Event> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select " + EventRows.SELECT
                + " from migrate_event e join migrate_migration m on m.name = e.migration and m.journal = e.journal"
                + " where e.migration = ? order by e.seq")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Event e = EventRows.read(rs, describe());
                    if (e.seq() != out.size() + 1) {
                        throw new IOException(describe() + ": the journal is damaged (event " + (out.size() + 1)
                                + " is missing before event " + e.seq() + "); export it and inspect the rows by hand");
                    }
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Override
    public JournalSession open(String command) throws IOException, LockHeldException {
        Connection c;
        try {
            c = Connections.open(url, password);
        } catch (SQLException e) {
            throw failure("cannot connect", e);
        }
        try {
            Schema.ensure(c);
            Connections.holdLockSettings(c, url.takeoverAfter());
            if (!tryLock(c)) {
                String holder = holder(c);
                if (holder != null) throw new LockHeldException("another run holds the lock on " + describe() + ": " + holder);
            }
            String who = Holder.describe(command, clock.instant());
            long epoch;
            int journal;
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into migrate_migration as m (name, epoch, holder, holder_backend, heartbeat, plan_digest)
                    values (?, 1, ?, pg_backend_pid(), now(), ?)
                    on conflict (name) do update set epoch = m.epoch + 1, holder = excluded.holder,
                      holder_backend = excluded.holder_backend, heartbeat = now(), plan_digest = excluded.plan_digest
                    returning epoch, journal""")) {
                ps.setString(1, migration);
                ps.setString(2, who);
                ps.setString(3, planDigest);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    epoch = rs.getLong(1);
                    journal = rs.getInt(2);
                }
            }
            List<Event> events = currentJournal(c);
            return new PostgresJournalSession(this, c, epoch, journal, events, clock);
        } catch (SQLException e) {
            closeQuietly(c);
            throw failure("cannot take the lock", e);
        } catch (IOException | LockHeldException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, Schema.LOCK_NAMESPACE);
            ps.setInt(2, lockKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * A refused run looks again for a moment before it says who holds the lock: a holder that has just died
     * keeps its lock until its server process notices the closed connection (milliseconds later, more on a
     * busy server), and one that is just starting has not written its row yet. Short, so that a run that
     * meets a live holder is still refused at once.
     */
    static final Duration REFUSAL_GRACE = Duration.ofMillis(500);

    /**
     * Who holds the lock, as its holder wrote it, with how long ago it was last heard from; null when the
     * lock was let go within {@link #REFUSAL_GRACE} and taken here after all.
     */
    private String holder(Connection c) throws SQLException {
        long until = System.nanoTime() + REFUSAL_GRACE.toNanos();
        String who;
        do {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown (interrupted while asking)";
            }
            if (tryLock(c)) return null;
            who = currentHolder(c);
        } while (System.nanoTime() < until);
        return who != null ? who : "a run that is just starting or finishing (no holder written yet), or another"
                + " migration whose name shares this one's lock key";
    }

    /** The holder row's text when the session it names is the one holding the lock, else null. */
    private String currentHolder(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select m.holder, extract(epoch from now() - m.heartbeat)::bigint
                from migrate_migration m where m.name = ? and exists (
                  select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.classid = ?::int::oid
                  and l.objid = ?::int::oid and l.objsubid = 2 and l.pid = m.holder_backend)""")) {
            ps.setString(1, migration);
            ps.setInt(2, Schema.LOCK_NAMESPACE);
            ps.setInt(3, lockKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    return rs.getString(1) + ", last heard from " + rs.getLong(2) + " s ago";
                }
            }
        }
        return null;
    }

    int lockKey() {
        return lockKey;
    }

    /** A database failure as an operator reads it: where, what, never a password. */
    IOException failure(String what, SQLException e) {
        return new IOException("state " + describe() + ": " + what + ": " + e.getMessage(), e);
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session ends either way, and its lock with it
        }
    }
}
