package dev.migrate.state;

import java.io.IOException;
import java.util.List;

/**
 * Where one migration's journal and lock live: a directory beside the plan (the default,
 * {@link FileStateStore}) or a shared database. Both give the same journal semantics: events are appended
 * in order, each durable before {@code append} returns (the intent of a write is on disk or committed in
 * the database before the provider is touched), and only the holder of the lock appends.
 */
public interface StateStore {

    /** Where the state is, safe to print (never a password), e.g. {@code directory /etc/migrate/.migrate/web}. */
    String describe();

    /**
     * Every event of the current journal, in order, without taking the lock: for status, dry runs and
     * previews. Empty when nothing was journaled yet. A damaged journal is an {@link IOException} whose
     * message names the place (file:line, or the row) and what is wrong.
     */
    List<Event> read() throws IOException;

    /**
     * Takes the migration's lock for {@code command} (e.g. {@code apply}) and opens its journal for
     * appending. The session holds the lock until it is closed; a process that dies loses it.
     *
     * @throws LockHeldException when another run holds the lock; its message names the holder
     */
    JournalSession open(String command) throws IOException, LockHeldException;
}
