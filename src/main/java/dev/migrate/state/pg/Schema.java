package dev.migrate.state.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two tables of the shared state, created on first use and versioned by a row in
 * {@code migrate_schema}. A database written by a newer {@code migrate} (a higher version) is refused
 * rather than misread.
 */
final class Schema {
    private Schema() {}

    /** The version this build writes and reads. */
    static final int VERSION = 1;

    /**
     * Advisory lock namespace of {@code migrate} (the first int of the two-int form, ASCII "migr"), so its
     * keys never meet another application's single-key locks nor, unless it picks the same number, its
     * two-key ones (Terraform's pg backend collided across projects with one key space).
     */
    static final int LOCK_NAMESPACE = 0x6d696772;
    /** The second int that guards creating the tables; a migration's key is never 0. */
    static final int SCHEMA_KEY = 0;

    private static final String[] DDL = {
        """
        create table if not exists migrate_schema (
          version integer primary key,
          installed_at timestamptz not null default now())""",
        """
        create table if not exists migrate_migration (
          name text primary key,
          epoch bigint not null default 0,
          holder text,
          holder_backend integer,
          heartbeat timestamptz,
          plan_digest text,
          journal integer not null default 1)""",
        """
        create table if not exists migrate_event (
          migration text not null references migrate_migration (name),
          journal integer not null,
          seq bigint not null,
          epoch bigint not null,
          at timestamptz not null,
          at_nanos integer not null default 0 check (at_nanos between 0 and 999),
          type text not null,
          phase text,
          batch text,
          zone text,
          changes jsonb,
          info jsonb,
          primary key (migration, journal, seq))""",
        "comment on column migrate_migration.epoch is 'bumped by every run that takes the lock; an event insert"
                + " names the epoch it holds, so a run that lost the lock writes nothing'",
        "comment on column migrate_migration.journal is 'the current journal; apply --restart starts the next and"
                + " keeps the old events'",
        "comment on column migrate_event.at_nanos is 'nanoseconds below the microsecond timestamptz keeps, so an"
                + " exported journal is exactly the one imported'",
        "insert into migrate_schema (version) values (" + VERSION + ") on conflict do nothing",
    };

    /** Creates what is missing, under a transaction-level advisory lock (two runs creating at once collide). */
    static void ensure(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("select pg_advisory_xact_lock(" + LOCK_NAMESPACE + ", " + SCHEMA_KEY + ")");
            boolean present;
            try (ResultSet rs = st.executeQuery("select to_regclass('migrate_schema') is not null")) {
                rs.next();
                present = rs.getBoolean(1);
            }
            if (!present || version(st) < VERSION) {
                for (String ddl : DDL) st.execute(ddl);
            }
            int found = version(st);
            if (found > VERSION) {
                throw new SQLException("the database holds migrate state of schema version " + found
                        + ", newer than this migrate reads (" + VERSION + "): upgrade migrate on this host");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** True when the tables exist (reading never creates them). */
    static boolean present(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select to_regclass('migrate_event') is not null")) {
            rs.next();
            if (!rs.getBoolean(1)) return false;
            int found = version(st);
            if (found > VERSION) {
                throw new SQLException("the database holds migrate state of schema version " + found
                        + ", newer than this migrate reads (" + VERSION + "): upgrade migrate on this host");
            }
            return true;
        }
    }

    private static int version(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("select coalesce(max(version), 0) from migrate_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The second int of a migration's lock: 31 bits of SHA-256 of its name, never {@link #SCHEMA_KEY}. */
    static int lockKey(String migration) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(migration.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            int k = ((h[0] & 0x7f) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
            return k == SCHEMA_KEY ? 1 : k;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
