package dev.migrate.cli;

import dev.migrate.probe.PropagationCheck;
import dev.migrate.support.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The live line while propagation is awaited: {@code in sync 3/4 | waiting for ns2.example.com. 192.0.2.2:53
 * stale | 1m 20s elapsed | deadline 2026-12-01T02:35:00Z}, redrawn in place. Only on a terminal: in a log or a
 * pipe a carriage-return line is noise, so {@link #forConsole} gives {@link PropagationCheck.Listener#NONE} there.
 */
public final class ProgressLine implements PropagationCheck.Listener {
    private final PrintWriter out;
    private final int width;
    private boolean drawn;

    ProgressLine(PrintWriter out, int width) {
        this.out = out;
        this.width = width;
    }

    /** A live line on {@code out} when this process has a terminal, else nothing. */
    public static ProgressLine forConsole(PrintWriter out) {
        if (System.console() == null) return null;
        int w = 100;
        try {
            String cols = System.getenv("COLUMNS");
            if (cols != null) w = Integer.parseInt(cols.trim());
        } catch (NumberFormatException e) {
            // keep the default
        }
        return new ProgressLine(out, Math.max(40, w));
    }

    /** {@link #forConsole} or a listener that draws nothing. */
    public static PropagationCheck.Listener orNone(PrintWriter out) {
        ProgressLine p = forConsole(out);
        return p == null ? PropagationCheck.Listener.NONE : p;
    }

    @Override
    public void progress(int inSync, int total, List<String> laggards, Duration elapsed, Instant deadline) {
        String line = render(inSync, total, laggards, elapsed, deadline);
        if (line.length() > width - 1) line = line.substring(0, width - 4) + "...";
        // \r and erase-to-end-of-line: redraw in place.
        out.print("\r\033[K" + line);
        out.flush();
        drawn = true;
    }

    /** Ends the live line so what follows starts on a fresh one. */
    public void done() {
        if (drawn) {
            out.println();
            out.flush();
            drawn = false;
        }
    }

    static String render(int inSync, int total, List<String> laggards, Duration elapsed, Instant deadline) {
        StringBuilder b = new StringBuilder("in sync ").append(inSync).append('/').append(total);
        if (!laggards.isEmpty()) {
            b.append(" | waiting for ");
            int shown = 0;
            for (String l : laggards) {
                if (shown == 3) {
                    b.append(", +").append(laggards.size() - 3).append(" more");
                    break;
                }
                if (shown++ > 0) b.append(", ");
                int colon = l.indexOf(": ");
                b.append(colon > 0 ? l.substring(0, colon) : l); // "name address state", without the reason
            }
        }
        b.append(" | ").append(Durations.human(elapsed)).append(" elapsed");
        if (deadline != null) {
            b.append(" | deadline ").append(deadline.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        return b.toString();
    }
}
