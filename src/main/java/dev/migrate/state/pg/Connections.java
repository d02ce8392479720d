package dev.migrate.state.pg;

import dev.migrate.secret.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens plain JDBC connections to the state database, one at a time, with every wait bounded. No pool:
 * the lock is a session advisory lock, and a pool would hand its session to someone else.
 */
final class Connections {
    private Connections() {}

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A connection for reading (status, export) or for holding the lock. The password, when there is one,
     * comes from a file or PGPASSWORD (a {@link Secret}); without one the driver looks in ~/.pgpass itself.
     */
    static Connection open(PostgresUrl url, Secret password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", url.user());
        if (password != null) p.setProperty("password", password.reveal());
        p.setProperty("ApplicationName", "migrate");
        p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        // A read that hangs (server or network gone) fails after this instead of holding the run forever.
        p.setProperty("socketTimeout", Long.toString(socketTimeout(url).toSeconds()));
        p.setProperty("tcpKeepAlive", "true");
        if (url.sslmode() != null) p.setProperty("sslmode", url.sslmode());
        if (url.sslrootcert() != null) p.setProperty("sslrootcert", url.sslrootcert());
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    /**
     * The settings that make the server let go of a holder that stopped answering (PostgreSQL 14+).
     * {@code idle_session_timeout}: a holder that sends nothing (its host vanished, its network was cut, the
     * process is frozen) is disconnected after {@code takeoverAfter}, and its session lock with it; the
     * heartbeat keeps a live holder busier than that. {@code client_connection_check_interval}: a client
     * killed while its backend runs a query is noticed during the query, not at its end. TCP keepalives
     * and {@code tcp_user_timeout}: a peer whose host is gone is noticed on the wire too.
     */
    static void holdLockSettings(Connection c, Duration takeoverAfter) throws SQLException {
        long ms = takeoverAfter.toMillis();
        long probe = Math.max(1, takeoverAfter.toSeconds() / 3);
        try (Statement st = c.createStatement()) {
            st.execute("set idle_session_timeout = " + ms);
            st.execute("set idle_in_transaction_session_timeout = " + ms);
            st.execute("set client_connection_check_interval = " + Math.min(1000, ms / 2));
            st.execute("set tcp_keepalives_idle = " + probe);
            st.execute("set tcp_keepalives_interval = " + probe);
            st.execute("set tcp_keepalives_count = 3");
            st.execute("set tcp_user_timeout = " + ms);
            // Durable means committed to disk before the insert returns, whatever the server's default.
            st.execute("set synchronous_commit = on");
            st.execute("set statement_timeout = " + socketTimeout(takeoverAfter).toMillis() / 2);
        }
    }

    private static Duration socketTimeout(PostgresUrl url) {
        return socketTimeout(url.takeoverAfter());
    }

    private static Duration socketTimeout(Duration takeoverAfter) {
        return takeoverAfter.multipliedBy(2).plusSeconds(30);
    }
}
