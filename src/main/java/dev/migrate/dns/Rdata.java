package dev.migrate.dns;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;

/** Record data in presentation form, parsed and normalised by dnsjava for its type. */
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
            return r.rdataToString();
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException("'" + text + "' is not valid " + Type.string(t) + " data: " + why, e);
        }
    }

    public static List<String> normaliseAll(String type, List<String> texts, String origin) {
        List<String> out = new ArrayList<>(texts.size());
        for (String s : texts) out.add(normalise(type, s, origin));
        return out;
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
