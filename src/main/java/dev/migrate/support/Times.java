package dev.migrate.support;

import java.time.Instant;

/**
 * The instants the tool works with: years 1970 to 9999. Earlier ones are no real cutover (and clocks that
 * report them are broken); later ones no longer print as four-digit ISO-8601 years, and a clock far in the
 * future would stamp the journal with instants every later run must reckon with.
 */
public final class Times {
    private Times() {}

    public static final Instant FIRST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");
    public static final String RANGE = "1970 to 9999";

    public static boolean inRange(Instant t) {
        return !t.isBefore(FIRST) && !t.isAfter(LAST);
    }
}
