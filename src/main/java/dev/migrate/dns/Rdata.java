package dev.migrate.dns;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
     * Parses {@code text} as {@code type} data, relative names taken against {@code origin}, and returns
     * dnsjava's presentation form. Throws IllegalArgumentException with the parser's reason.
     */
    public static String normalise(String type, String text, String origin) {
        int t = Type.value(canonicalType(type));
        try {
            Name o = Names.toName(origin);
            Record r = Record.fromString(o, t, DClass.IN, 0, text, o);
            return text(r);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException("'" + text + "' is not valid " + Type.string(t) + " data: " + why, e);
        }
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
     * Text as TXT data: one quoted character-string per 255 characters (a character-string holds at most
     * 255 octets, RFC 1035 §3.3), with quotes and backslashes escaped. For providers that hold TXT data
     * unquoted, where the whole text is one value whatever spaces it holds.
     */
    public static String quotedStrings(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() || i == 0; i += 255) {
            String part = s.substring(i, Math.min(s.length(), i + 255));
            if (b.length() > 0) b.append(' ');
            b.append('"').append(part.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return b.toString();
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
