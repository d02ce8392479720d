package dev.migrate.plan;

import java.time.Duration;
import java.time.Instant;
import dev.migrate.support.Durations;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A phase's distance from the cutover instant T, written {@code T}, {@code T+90s}, {@code T-1h30m}, {@code T+2d}. */
public record Offset(Duration fromCutover, String text) {
    private static final Pattern FORM = Pattern.compile("T(?:([+-])((?:\\d+[smhd])+))?");
    /**
     * Farthest a phase may be from T. Far beyond any real migration, and near enough that T plus the
     * offset is always an instant the clock can hold (an unbounded one overflowed into a crash).
     */
    public static final Duration LIMIT = Durations.LIMIT;

    /** True when {@code text} has the form of an offset, whatever its size. */
    public static boolean wellFormed(String text) {
        return FORM.matcher(text.trim()).matches();
    }

    public static Offset parse(String text) {
        String t = text.trim();
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an offset from T (use T, T+90s, T-1h30m, T+2d; units s m h d)");
        }
        if (m.group(1) == null) return new Offset(Duration.ZERO, t);
        Duration d;
        try {
            // The form is already checked, so the only way the units can be refused is being too large.
            d = Durations.parse(m.group(2));
        } catch (IllegalArgumentException e) {
            throw tooFar(text);
        }
        return new Offset(m.group(1).equals("-") ? d.negated() : d, t);
    }

    private static IllegalArgumentException tooFar(String text) {
        return new IllegalArgumentException("'" + text + "' is more than " + LIMIT.toDays() + " days (100 years) from T");
    }

    public Instant from(Instant cutover) {
        return cutover.plus(fromCutover);
    }

    @Override
    public String toString() {
        return text;
    }
}
