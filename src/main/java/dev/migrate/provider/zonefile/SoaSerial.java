package dev.migrate.provider.zonefile;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.xbill.DNS.Serial;

/** The next SOA serial after a write (RFC 1982 arithmetic; date-style YYYYMMDDnn kept date-style). */
public final class SoaSerial {
    private SoaSerial() {}

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    /** True for serials such as 2026112201: ten digits whose first eight are a real date. */
    static boolean looksDateStyle(long serial) {
        String s = Long.toString(serial);
        if (s.length() != 10) return false;
        try {
            LocalDate d = LocalDate.parse(s.substring(0, 8), DAY);
            return d.getYear() >= 1990 && d.getYear() <= 2100;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Date-style serials move to today's first serial, or by one when today's range is already in use
     * (or the serial is ahead of today: serials may never go backwards). Others go up by one, wrapping
     * as RFC 1982 allows.
     */
    public static long next(long serial, java.time.Instant now) {
        if (serial < 0 || serial > MAX) {
            throw new IllegalArgumentException("SOA serial " + serial + " is outside 0.." + MAX + " (RFC 1035 §3.3.13)");
        }
        if (looksDateStyle(serial) && dev.migrate.support.Times.inRange(now)) {
            // A date far ahead (a clock set to year 9999) makes a number that is no serial at all: then the
            // serial counts up by one, as any other does.
            long today = dayOf(now) * 100;
            if (today >= 0 && today <= MAX && Serial.compare(today, serial) > 0) return today;
        }
        return Serial.increment(serial);
    }

    /** Largest SOA serial: an unsigned 32-bit number (RFC 1035 §3.3.13, RFC 1982). */
    static final long MAX = 0xFFFF_FFFFL;

    /** YYYYMMDD of the instant in UTC; years beyond four digits give a number above any serial. */
    private static long dayOf(java.time.Instant now) {
        java.time.LocalDate d = now.atOffset(ZoneOffset.UTC).toLocalDate();
        return d.getYear() * 10_000L + d.getMonthValue() * 100L + d.getDayOfMonth();
    }
}
