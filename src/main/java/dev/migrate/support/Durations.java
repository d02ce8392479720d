package dev.migrate.support;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 2d}, or bare seconds. */
public final class Durations {
    private Durations() {}

    private static final Pattern PART = Pattern.compile("(\\d+)([smhd])");

    /**
     * Longest duration accepted: far beyond any margin or timeout, and short enough that adding it to an
     * instant never overflows the clock (an unbounded one crashed the planner).
     */
    public static final Duration LIMIT = Duration.ofDays(36500);

    public static Duration parse(String text) {
        String t = text.trim();
        if (t.isEmpty() || !t.matches("\\d+|(\\d+[smhd])+")) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 90s, 5m, 1h30m, 2d)");
        }
        Duration d = Duration.ZERO;
        try {
            if (t.matches("\\d+")) {
                d = Duration.ofSeconds(Long.parseLong(t));
            } else {
                Matcher m = PART.matcher(t);
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    d = d.plus(switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            d = null;
        }
        if (d == null || d.compareTo(LIMIT) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than " + LIMIT.toDays() + " days (100 years)");
        }
        return d;
    }

    /** Compact form for operators: {@code 2d 4h}, {@code 5m}, {@code 90s} → {@code 1m 30s}; at most two units. */
    public static String human(Duration d) {
        long s = Math.abs(d.getSeconds());
        if (s == 0) return "0s";
        long[] sizes = {86400, 3600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < sizes.length && shown < 2; i++) {
            long n = s / sizes[i];
            if (n > 0) {
                if (b.length() > 0) b.append(' ');
                b.append(n).append(units[i]);
                s -= n * sizes[i];
                shown++;
            } else if (shown > 0) {
                break;
            }
        }
        return b.toString();
    }

    /** {@code in 2d 4h}, {@code 3h ago}, {@code now}. */
    public static String relative(java.time.Instant at, java.time.Instant now) {
        Duration d = Duration.between(now, at);
        if (d.abs().getSeconds() < 1) return "now";
        return d.isNegative() ? human(d) + " ago" : "in " + human(d);
    }
}
