package dev.migrate.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A phase's distance from the cutover instant T, written {@code T}, {@code T+90s}, {@code T-1h30m}, {@code T+2d}. */
public record Offset(Duration fromCutover, String text) {
    private static final Pattern FORM = Pattern.compile("T(?:([+-])((?:\\d+[smhd])+))?");
    private static final Pattern PART = Pattern.compile("(\\d+)([smhd])");

    public static Offset parse(String text) {
        String t = text.trim();
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an offset from T (use T, T+90s, T-1h30m, T+2d; units s m h d)");
        }
        if (m.group(1) == null) return new Offset(Duration.ZERO, t);
        Duration d = Duration.ZERO;
        Matcher p = PART.matcher(m.group(2));
        while (p.find()) {
            long n = Long.parseLong(p.group(1));
            d = d.plus(switch (p.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        return new Offset(m.group(1).equals("-") ? d.negated() : d, t);
    }

    public Instant from(Instant cutover) {
        return cutover.plus(fromCutover);
    }

    @Override
    public String toString() {
        return text;
    }
}
