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
        if (looksDateStyle(serial)) {
            long today = Long.parseLong(DAY.format(now.atOffset(ZoneOffset.UTC).toLocalDate())) * 100;
            if (Serial.compare(today, serial) > 0) return today;
        }
        return Serial.increment(serial);
    }
}
