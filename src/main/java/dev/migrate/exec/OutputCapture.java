package dev.migrate.exec;

import dev.migrate.secret.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first {@link #HEAD} and the last {@link #TAIL} bytes of one output stream and counts the rest,
 * so a command that prints gigabytes costs a few kilobytes of journal. Filled by one reader thread, read
 * by another once the command is over.
 */
final class OutputCapture {
    static final int HEAD = 2048;
    static final int TAIL = 6144;

    private final byte[] head = new byte[HEAD];
    private final byte[] tail = new byte[TAIL];
    private int headLen;
    private long tailWritten;
    private long total;

    /** Reads {@code in} to its end (or until it fails: the stream was closed under it). */
    void drain(InputStream in) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) add(buf, n);
        } catch (IOException e) {
            // closed while the command's leftovers still held it: what was read is kept
        }
    }

    synchronized void add(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            if (headLen < HEAD) {
                head[headLen++] = buf[i];
            } else {
                tail[(int) (tailWritten % TAIL)] = buf[i];
                tailWritten++;
            }
        }
        total += n;
    }

    /**
     * The text kept so far, with every loaded secret blanked out, including the part of one that a cut
     * left at the edge of what is kept (a secret is never journaled, not even half of it).
     */
    synchronized Commands.Captured snapshot() {
        if (tailWritten <= TAIL) {
            // Nothing was left out: head and tail are one contiguous text.
            byte[] rest = ordered();
            byte[] all = java.util.Arrays.copyOf(head, headLen + rest.length);
            System.arraycopy(rest, 0, all, headLen, rest.length);
            String whole = new String(all, StandardCharsets.UTF_8);
            return new Commands.Captured(Redactor.global().redact(whole), total, false);
        }
        long leftOut = total - HEAD - TAIL;
        Redactor r = Redactor.global();
        String first = new String(head, 0, headLen, StandardCharsets.UTF_8);
        String last = new String(ordered(), StandardCharsets.UTF_8);
        String text = r.redactCut(first, false, true) + "\n[... " + leftOut + " bytes left out ...]\n"
                + r.redactCut(last, true, false);
        return new Commands.Captured(text, total, true);
    }

    private byte[] ordered() {
        int n = (int) Math.min(tailWritten, TAIL);
        byte[] out = new byte[n];
        int start = tailWritten <= TAIL ? 0 : (int) (tailWritten % TAIL);
        for (int i = 0; i < n; i++) out[i] = tail[(start + i) % TAIL];
        return out;
    }
}
