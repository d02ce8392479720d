package dev.migrate.cli;

import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline drawn on a time axis for a terminal: each phase a {@code o} at its place, the earliest safe
 * swap a {@code ^}, labels on as many rows as they need not to overlap.
 */
final class TimelinePicture {
    private TimelinePicture() {}

    record Mark(Instant at, char symbol, String label) {}

    static List<String> draw(Timeline timeline, Instant earliestSafeSwap, Instant actualSwap, int width) {
        List<Mark> marks = new ArrayList<>();
        for (ScheduledPhase p : timeline.phases()) marks.add(new Mark(p.at(), 'o', p.id() + " " + p.spec().at().text()));
        if (earliestSafeSwap != null) marks.add(new Mark(earliestSafeSwap, '^', "earliest safe swap"));
        if (actualSwap != null && timeline.first(dev.migrate.plan.Action.SWAP).map(s -> !s.at().equals(actualSwap)).orElse(false)) {
            marks.add(new Mark(actualSwap, '*', "swap ran here"));
        }
        Instant start = marks.stream().map(Mark::at).min(Instant::compareTo).orElseThrow();
        Instant end = marks.stream().map(Mark::at).max(Instant::compareTo).orElseThrow();
        long span = Math.max(1, Duration.between(start, end).getSeconds());
        int cols = Math.max(20, width);
        char[] axis = new char[cols];
        java.util.Arrays.fill(axis, '-');
        List<StringBuilder> rows = new ArrayList<>();
        List<int[]> placed = new ArrayList<>(); // column ranges taken per row, flattened as row -> list
        List<List<int[]>> taken = new ArrayList<>();
        for (Mark m : marks.stream().sorted(java.util.Comparator.comparing(Mark::at)).toList()) {
            int col = (int) Math.round((cols - 1) * (double) Duration.between(start, m.at()).getSeconds() / span);
            if (axis[col] == '-' || m.symbol() != 'o') axis[col] = m.symbol();
            String text = "|" + m.label();
            int from = col;
            int to = col + text.length();
            int row = 0;
            while (true) {
                if (row == taken.size()) {
                    taken.add(new ArrayList<>());
                    rows.add(new StringBuilder());
                }
                boolean clash = false;
                for (int[] r : taken.get(row)) if (from <= r[1] && to >= r[0]) clash = true;
                if (!clash) break;
                row++;
            }
            taken.get(row).add(new int[] {from, to});
            StringBuilder b = rows.get(row);
            while (b.length() < from) b.append(' ');
            b.replace(from, Math.min(b.length(), to), text);
        }
        List<String> out = new ArrayList<>();
        out.add(new String(axis));
        for (StringBuilder b : rows) out.add(b.toString().stripTrailing());
        out.add(start + " ... " + end + " (" + dev.migrate.support.Durations.human(Duration.ofSeconds(span)) + ")");
        return out;
    }
}
