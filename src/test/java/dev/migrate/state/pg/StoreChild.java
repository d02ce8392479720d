package dev.migrate.state.pg;

import dev.migrate.state.JournalSession;
import dev.migrate.state.LockHeldException;
import dev.migrate.state.LockLostException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Another host, for the store tests: a separate JVM that takes a migration's lock in the database and
 * appends on command. Reads lines from stdin ({@code open COMMAND}, {@code append N}, {@code close}) and
 * answers one line each on stdout ({@code opened EPOCH}, {@code appended SEQ} after each durable append,
 * {@code held MESSAGE}, {@code lost MESSAGE}, {@code error MESSAGE}). URL in {@code MIGRATE_TEST_URL},
 * migration name in {@code MIGRATE_TEST_MIGRATION}, password in {@code PGPASSWORD}.
 */
public final class StoreChild {
    private StoreChild() {}

    public static void main(String[] args) throws Exception {
        PostgresUrl url = PostgresUrl.parse(System.getenv("MIGRATE_TEST_URL"), Path.of("."));
        PostgresStateStore store = PostgresStateStore.of(url, System.getenv("MIGRATE_TEST_MIGRATION"), "digest",
                Clock.systemUTC(), System::getenv);
        JournalSession session = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ", 2);
            try {
                switch (w[0]) {
                    case "open" -> {
                        session = store.open(w[1]);
                        System.out.println("opened " + ((PostgresJournalSession) session).epoch());
                    }
                    case "append" -> {
                        int n = Integer.parseInt(w[1]);
                        for (int i = 0; i < n; i++) {
                            var e = session.append("phase-started", "child", Map.of("i", Integer.toString(i)));
                            System.out.println("appended " + e.seq());
                        }
                    }
                    case "close" -> {
                        session.close();
                        System.out.println("closed");
                    }
                    default -> System.out.println("error unknown command " + w[0]);
                }
            } catch (LockHeldException e) {
                System.out.println("held " + e.getMessage());
            } catch (LockLostException e) {
                System.out.println("lost " + e.getMessage());
            } catch (Exception e) {
                System.out.println("error " + e);
            }
            System.out.flush();
        }
    }
}
