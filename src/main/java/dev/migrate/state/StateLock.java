package dev.migrate.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One run at a time per plan: an OS file lock on {@code lock} in the state directory, released by the
 * OS when the process dies, so a crash never leaves a stale lock. The holder writes who it is into the
 * file so a refused run can say which process holds it since when.
 */
public final class StateLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another run holds the lock; the message names it. */
    public static final class HeldException extends Exception {
        public HeldException(String message) {
            super(message);
        }
    }

    public static StateLock acquire(Path stateDir, String command, Instant now) throws IOException, HeldException {
        Journal.createPrivateDirectories(stateDir);
        Path f = stateDir.resolve("lock");
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l = tryLock(ch);
        // The holder writes who it is just after taking the lock and clears it just before letting go, so a
        // run arriving at that moment finds the file empty: look again for a moment (bounded), taking the
        // lock if it was being let go, before saying who holds it.
        long until = System.nanoTime() + 1_000_000_000L;
        String holder = "";
        while (l == null) {
            holder = Files.readString(f, StandardCharsets.UTF_8).strip();
            if (!holder.isEmpty() || System.nanoTime() > until) break;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            l = tryLock(ch);
        }
        if (l == null) {
            ch.close();
            throw new HeldException("another run holds the lock on " + stateDir + ": "
                    + (holder.isEmpty() ? "a process that is just starting or finishing (no pid written yet)" : holder));
        }
        ch.truncate(0);
        String who = "pid " + ProcessHandle.current().pid() + " (" + command + ") since " + now;
        ch.write(ByteBuffer.wrap(who.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new StateLock(ch, l);
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            channel.close();
        }
    }
}
