package dev.migrate.dns;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;

/**
 * Record data in presentation form, parsed and normalised by dnsjava for its type. Every source of record
 * data (plan files, zone files, wire answers, provider APIs, the journal) goes through {@link #text} or
 * {@link #normalise}, so one RRset compares equal whichever way it was read.
 */
public final class Rdata {
    private Rdata() {}

    /** Type texts already seen, and their canonical mnemonic: every RRset and key asks, once per record. */
    private static final Map<String, String> TYPES = new ConcurrentHashMap<>();

    public static String canonicalType(String type) {
        if (type == null) throw new IllegalArgumentException("missing type");
        String known = TYPES.get(type);
        if (known != null) return known;
        String t = type.trim().toUpperCase(Locale.ROOT);
        int v = Type.value(t);
        if (v < 0) {
            throw new IllegalArgumentException("unknown record type '" + type + "'");
        }
        String canonical = Type.string(v);
        if (TYPES.size() < 1024) TYPES.put(type, canonical); // bounded: plans may spell types many ways
        return canonical;
    }

    /**
     * Types whose data in presentation form is domain names and numbers only. Names compare without regard to
     * the case of ASCII letters (RFC 4343 §3, and RFC 4034 §6.2 lowers them in these types' canonical form), so
     * "10 Mail.Example.NET." and "10 mail.example.net." are the same record: a server or a provider may hand
     * back either. Types with text, base64 or hex beside a name (NAPTR, RRSIG, NSEC, TXT...) are not here:
     * case matters in those parts.
     */
    private static final java.util.Set<String> NAMES_AND_NUMBERS = java.util.Set.of("NS", "CNAME", "DNAME", "PTR",
            "MX", "SRV", "SOA", "KX", "AFSDB", "RT", "PX", "RP", "MB", "MD", "MF", "MG", "MR", "MINFO");

    /** True when two records of {@code type} that differ only in the case of letters are the same record. */
    public static boolean caseFree(String type) {
        return NAMES_AND_NUMBERS.contains(type);
    }

    /**
     * Whether two lists of data of one type hold the same records: element by element, without regard to
     * case where the type's data is names and numbers. Both lists sorted and free of duplicates as
     * {@link RRset} keeps them.
     */
    public static boolean sameRecords(String type, List<String> a, List<String> b) {
        if (a == b) return true;
        if (a.size() != b.size()) return false;
        if (!caseFree(type)) return a.equals(b);
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) return false;
        }
        return true;
    }

    /** A hash of the records that agrees with {@link #sameRecords}. */
    public static int recordsHash(String type, List<String> data) {
        if (!caseFree(type)) return data.hashCode();
        int h = 1;
        for (String d : data) h = 31 * h + d.toLowerCase(Locale.ROOT).hashCode();
        return h;
    }

    /**
     * Parses {@code text} as {@code type} data, relative names taken against {@code origin}, and returns
     * dnsjava's presentation form. Throws IllegalArgumentException with the parser's reason.
     *
     * <p>Text that is not ASCII is taken as UTF-8 and written as {@code \DDD} escapes of its octets before
     * dnsjava sees it: dnsjava's tokenizer reads a string's UTF-8 octets as characters, and encoding those
     * again stored "Café" as "Caf\195\131\194\169". A control character (a newline above all) is refused:
     * to the zone-file syntax it ends the record, and dnsjava silently drops whatever follows it.
     */
    public static String normalise(String type, String text, String origin) {
        int t = Type.value(canonicalType(type));
        int bad = firstControl(text);
        if (bad >= 0) {
            int c = text.codePointAt(bad);
            throw new IllegalArgumentException("'" + Names.printable(text) + "' holds a control character ("
                    + Names.codePoint(c) + ") at character " + (text.codePointCount(0, bad) + 1) + ": record data is"
                    + " one line of text; write a byte that must be in it as \\DDD (e.g. \\010 for a newline)");
        }
        try {
            Name o = Names.toName(origin);
            Record r = Record.fromString(o, t, DClass.IN, 0, utf8Escaped(text), o);
            return text(r);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException("'" + Names.printable(text) + "' is not valid " + Type.string(t)
                    + " data: " + why, e);
        }
    }

    /**
     * Record data as an operator wrote it in a plan: as {@link #normalise}, and also refusing what would be
     * zone-file syntax rather than data, which dnsjava would otherwise quietly act on: a {@code ;} outside
     * quotes (the rest is a comment, and dropped), parentheses outside quotes (they join lines), and
     * characters that are not ASCII outside quotes in anything but TXT/SPF (a host name must be written in
     * its ASCII form, xn--..., and is not guessed here).
     */
    public static String parseWritten(String type, String text, String origin) {
        String t = canonicalType(type);
        boolean quoted = false;
        boolean escaped = false;
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            int c = text.codePointAt(i);
            int at = text.codePointCount(0, i) + 1;
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || invisible(c)) {
                throw new IllegalArgumentException("a control or invisible character (" + Names.codePoint(c) + ") at"
                        + " character " + at + ": record data is one line of visible text; write a byte that must be"
                        + " in it as \\DDD (e.g. \\010 for a newline)");
            }
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ';') {
                throw new IllegalArgumentException("a ';' outside quotes at character " + at + " would start a"
                        + " zone-file comment and drop the rest: put the text in quotes");
            } else if (!quoted && (c == '(' || c == ')')) {
                throw new IllegalArgumentException("a '" + (char) c + "' outside quotes at character " + at
                        + " is zone-file syntax (it joins lines): put the text in quotes");
            } else if (!quoted && c >= 0x80 && !t.equals("TXT") && !t.equals("SPF")) {
                throw new IllegalArgumentException("'" + new String(Character.toChars(c)) + "' at character " + at
                        + " is not ASCII: write an internationalised host name in its ASCII form (xn--...)");
            }
        }
        return normalise(t, text, origin);
    }

    /** Index of the first control character (C0, DEL, C1, line and paragraph separators), or -1. */
    private static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028' || c == '\u2029') return i;
        }
        return -1;
    }

    /** Format characters (bidi overrides, zero-width joiners) and separators that would hide in a message. */
    private static boolean invisible(int c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }

    /**
     * Every character beyond ASCII as {@code \DDD} escapes of its UTF-8 octets (RFC 1035 §5.1), so dnsjava
     * reads each octet once. {@code \é} (an escaped é) means é, as {@code \X} means X.
     */
    static String utf8Escaped(String text) {
        boolean ascii = true;
        for (int i = 0; i < text.length() && ascii; i++) ascii = text.charAt(i) < 0x80;
        if (ascii) return text;
        StringBuilder b = new StringBuilder(text.length() + 16);
        boolean escaped = false;
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            int c = text.codePointAt(i);
            if (c < 0x80) {
                b.appendCodePoint(c);
                escaped = !escaped && c == '\\';
                continue;
            }
            if (escaped) b.setLength(b.length() - 1); // "\é" is é: the escape is replaced by the octets' own
            escaped = false;
            for (byte o : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                b.append('\\').append(String.format("%03d", o & 0xff));
            }
        }
        return b.toString();
    }

    /**
     * A record's data in presentation form: dnsjava's, except AAAA in RFC 5952 form ({@code 2001:db8::10},
     * as {@code dig} and zone files write it) where dnsjava prints every group.
     */
    public static String text(Record r) {
        return r instanceof AAAARecord a ? Addresses.text(a.getAddress()) : r.rdataToString();
    }

    /**
     * Data already in presentation form, made canonical where older versions wrote it differently: AAAA
     * data written uncompressed (journals before RFC 5952 output) becomes the RFC 5952 form. Cheap for
     * every other type: it returns the text as it is.
     */
    public static String canonical(String type, String text) {
        return "AAAA".equals(type) ? Addresses.canonicalIpv6(text) : text;
    }

    public static List<String> normaliseAll(String type, List<String> texts, String origin) {
        List<String> out = new ArrayList<>(texts.size());
        for (String s : texts) out.add(normalise(type, s, origin));
        return out;
    }

    /**
     * Text as TXT data: quoted character-strings of at most 255 octets each (RFC 1035 §3.3, counting the
     * UTF-8 octets of text beyond ASCII), with quotes and backslashes escaped and a control character written
     * as its {@code \DDD} escape (a provider stores what it is given; a raw newline would end the record).
     * For providers that hold TXT data unquoted, where the whole text is one value whatever spaces it holds.
     */
    public static String quotedStrings(String s) {
        StringBuilder b = new StringBuilder("\"");
        int octets = 0;
        for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
            int c = s.codePointAt(i);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (octets + size > 255) {
                b.append("\" \"");
                octets = 0;
            }
            octets += size;
            if (c == '\\' || c == '"') b.append('\\').appendCodePoint(c);
            else if (c < 0x20 || c == 0x7f) b.append(String.format("\\%03d", c));
            else b.appendCodePoint(c);
        }
        return b.append('"').toString();
    }

    /** dnsjava records for an RRset, for the providers that speak the wire protocol. */
    public static List<Record> toRecords(RRset set) {
        Name owner = Names.toName(set.name());
        int t = Type.value(set.type());
        List<Record> out = new ArrayList<>(set.rdata().size());
        for (String d : set.rdata()) {
            // What Record.fromString(..., String, ...) does, with a buffer the size of the text: its own
            // default buffer is 8 KiB per record, which dominated turning 5,000 RRsets into UPDATE messages.
            byte[] text = d.getBytes();
            Tokenizer st = new Tokenizer(new BufferedInputStream(new ByteArrayInputStream(text), text.length + 2));
            try {
                out.add(Record.fromString(owner, t, DClass.IN, set.ttl(), st, Name.root));
            } catch (IOException e) {
                throw new IllegalStateException("normalised data did not parse again: " + set + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
