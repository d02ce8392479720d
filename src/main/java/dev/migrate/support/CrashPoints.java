package dev.migrate.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Named points where the crash test stops this process dead. With {@code MIGRATE_PAUSE_AT=<point>} and
 * {@code MIGRATE_PAUSE_FILE=<file>} set, reaching the point (its Nth time with {@code <point>#N}) writes
 * the file and parks the thread so the test can SIGKILL the process exactly there, or delete the file
 * to let it go on (a test that needs a run to hold its lock for a while). Without the variables it
 * costs one string comparison.
 */
public final class CrashPoints {
    private static final String AT = System.getenv("MIGRATE_PAUSE_AT");
    private static final String FILE = System.getenv("MIGRATE_PAUSE_FILE");
    private static int hits;

    private CrashPoints() {}

    public static synchronized void reach(String point) {
        if (AT == null || FILE == null) return;
        String name = AT;
        int nth = 1;
        int hash = AT.indexOf('#');
        if (hash > 0) {
            name = AT.substring(0, hash);
            nth = Integer.parseInt(AT.substring(hash + 1));
        }
        if (!name.equals(point) || ++hits != nth) return;
        try {
            Files.writeString(Path.of(FILE), point + "\n");
        } catch (IOException e) {
            return;
        }
        // Bounded: a test that forgets to kill us must not leave the process forever.
        long until = System.nanoTime() + 120_000_000_000L;
        Path file = Path.of(FILE);
        while (System.nanoTime() < until && Files.exists(file)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
