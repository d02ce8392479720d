package dev.migrate.state;

import dev.migrate.state.pg.PostgresUrl;
import java.nio.file.Path;

/**
 * Where a migration's state lives, as the operator chose it ({@code --state}, {@code MIGRATE_STATE},
 * {@code state:} in the plan): a directory on this host, or a shared PostgreSQL database.
 */
public sealed interface StateLocation {

    /**
     * State directories under {@code root} ({@code <root>/<plan name>/}); a null root is the default,
     * {@code .migrate/} beside the plan file.
     */
    record Directory(Path root) implements StateLocation {
        @Override
        public String toString() {
            return root == null ? "file: (.migrate beside the plan)" : "file:" + root;
        }
    }

    /** A shared database; {@code toString()} never shows a password. */
    record Database(PostgresUrl url) implements StateLocation {
        @Override
        public String toString() {
            return url.toString();
        }
    }

    StateLocation DEFAULT = new Directory(null);

    /**
     * {@code file:} (the default directory), {@code file:DIR} (a state directory root, relative to
     * {@code relativeTo}), or {@code postgresql://HOST[:PORT]/DATABASE?user=NAME...}. The message of the
     * {@link IllegalArgumentException} is safe to print: it never repeats a password.
     */
    static StateLocation parse(String text, Path relativeTo) {
        String t = text == null ? "" : text.trim();
        if (t.equals("file:") || t.equals("file")) return DEFAULT;
        if (t.startsWith("file:")) {
            String dir = t.substring("file:".length());
            if (dir.startsWith("//")) dir = dir.substring(2); // file:///abs/dir
            if (dir.isEmpty()) return DEFAULT;
            return new Directory(relativeTo.resolve(dir).normalize());
        }
        if (PostgresUrl.looksLikeOne(t)) return new Database(PostgresUrl.parse(t, relativeTo));
        throw new IllegalArgumentException("expected file: (a directory beside the plan), file:DIR, or"
                + " postgresql://HOST[:PORT]/DATABASE?user=NAME");
    }
}
