package dev.migrate.plan;

import dev.migrate.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a phase runs, as a plan writes it: a distance from the cutover instant T ({@code T}, {@code T+90s},
 * {@code T-1h30m}, {@code T+2d}), or from another phase's actual finish as the journal records it
 * ({@code hold-live+10m}, {@code copy+5m}, {@code delegated}). The unit {@code ttl} is the plan's lowered
 * TTL: {@code hold-live+ttl} is one lowered TTL after the hold was confirmed on every authoritative server.
 *
 * @param anchor the phase id this offset counts from, or null for the cutover T
 * @param delta  the fixed part of the distance
 * @param ttls   how many lowered TTLs are added to it
 */
public record Offset(String anchor, Duration delta, int ttls, String text) {
    private static final Pattern FORM = Pattern.compile("T(?:([+-])((?:\\d+[smhd])+))?");
    private static final Pattern TERM = Pattern.compile("([+-])(\\d*ttl|(?:\\d+[smhd])+)");
    private static final Pattern TERMS = Pattern.compile("(?:[+-](?:\\d*ttl|(?:\\d+[smhd])+))*");
    /**
     * Farthest a phase may be from T. Far beyond any real migration, and near enough that T plus the
     * offset is always an instant the clock can hold (an unbounded one overflowed into a crash).
     */
    public static final Duration LIMIT = Durations.LIMIT;
    private static final int MAX_TTLS = 1000;

    /** A distance from T, written as {@code T}, {@code T+90s}, {@code T-1h30m}. */
    public Offset(Duration fromCutover, String text) {
        this(null, fromCutover, 0, text);
    }

    /** True when {@code text} has the form of an offset from T, whatever its size. */
    public static boolean wellFormed(String text) {
        return FORM.matcher(text.trim()).matches();
    }

    /** An offset from T with one term ({@code T}, {@code T+90s}, {@code T-1h30m}, {@code T+2d}). */
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

    /**
     * Any offset a plan may write: an anchor ({@code T} or one of {@code phaseIds}) followed by terms such as
     * {@code +10m}, {@code -1h30m}, {@code +ttl}, {@code +2ttl}. Phase ids may hold dashes, so the anchor is
     * the longest known id the text starts with.
     */
    public static Offset parse(String text, Set<String> phaseIds) {
        String t = text.trim();
        if (t.startsWith("T") && (t.length() == 1 || t.charAt(1) == '+' || t.charAt(1) == '-') && FORM.matcher(t).matches()) {
            return parse(t);
        }
        List<Integer> cuts = new ArrayList<>();
        cuts.add(t.length());
        for (int i = t.length() - 1; i > 0; i--) if (t.charAt(i) == '+' || t.charAt(i) == '-') cuts.add(i);
        for (int cut : cuts) {
            String anchor = t.substring(0, cut);
            if (!anchor.equals("T") && !phaseIds.contains(anchor)) continue;
            String rest = t.substring(cut);
            if (!TERMS.matcher(rest).matches()) continue;
            return terms(anchor.equals("T") ? null : anchor, rest, t);
        }
        String head = t.split("[+-]", 2)[0];
        if (!head.isEmpty() && !head.equals("T") && !phaseIds.contains(head) && TERMS.matcher(t.substring(head.length())).matches()) {
            throw new IllegalArgumentException("'" + text + "' counts from '" + head + "', which is neither T nor a phase"
                    + " of this plan (phases are " + phaseIds.stream().sorted().toList() + ")"
                    + Suggest.didYouMean(head, phaseIds));
        }
        throw new IllegalArgumentException("'" + text + "' is not an offset: use T-72h, T+5m, or a phase id with an"
                + " offset such as hold-live+10m or hold-live+ttl (units s m h d, and ttl for the lowered TTL)");
    }

    private static Offset terms(String anchor, String rest, String text) {
        Duration delta = Duration.ZERO;
        int ttls = 0;
        Matcher m = TERM.matcher(rest);
        while (m.find()) {
            int sign = m.group(1).equals("-") ? -1 : 1;
            String term = m.group(2);
            if (term.endsWith("ttl")) {
                String n = term.substring(0, term.length() - 3);
                long k = n.isEmpty() ? 1 : parseCount(n, text);
                ttls += (int) (sign * k);
                if (Math.abs(ttls) > MAX_TTLS) throw new IllegalArgumentException("'" + text + "' adds more than " + MAX_TTLS + " TTLs");
            } else {
                Duration d;
                try {
                    d = Durations.parse(term);
                } catch (IllegalArgumentException e) {
                    throw tooFar(text);
                }
                delta = sign < 0 ? delta.minus(d) : delta.plus(d);
                if (delta.abs().compareTo(LIMIT) > 0) throw tooFar(text);
            }
        }
        if (anchor != null && (delta.isNegative() || ttls < 0)) {
            throw new IllegalArgumentException("'" + text + "' runs before " + anchor + " has finished, but a phase"
                    + " anchored on another runs after it: use + offsets only");
        }
        return new Offset(anchor, delta, ttls, text);
    }

    private static long parseCount(String n, String text) {
        try {
            return Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' adds more than " + MAX_TTLS + " TTLs");
        }
    }

    private static IllegalArgumentException tooFar(String text) {
        return new IllegalArgumentException("'" + text + "' is more than " + LIMIT.toDays() + " days (100 years) from T");
    }

    /** True when this offset counts from the cutover T rather than from another phase. */
    public boolean onCutover() {
        return anchor == null;
    }

    /** The distance from T of an offset from T without {@code ttl} terms. */
    public Duration fromCutover() {
        if (anchor != null || ttls != 0) throw new IllegalStateException(text + " is not a fixed distance from T");
        return delta;
    }

    /** The distance this offset adds to its anchor, with {@code ttl} worth {@code loweredTtl} seconds. */
    public Duration span(long loweredTtl) {
        return delta.plusSeconds(ttls * loweredTtl);
    }

    public Instant from(Instant cutover) {
        return cutover.plus(fromCutover());
    }

    @Override
    public String toString() {
        return text;
    }
}
