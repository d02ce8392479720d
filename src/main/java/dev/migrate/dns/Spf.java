package dev.migrate.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * SPF records (RFC 7208) inside TXT data: recognising them, moving the addresses their {@code ip4:} and
 * {@code ip6:} mechanisms name, and finding addresses written anywhere in TXT text. Pure functions over
 * TXT data in presentation form ({@code "v=spf1 ip4:203.0.113.25 -all"}); dnsjava does the quoting.
 */
public final class Spf {
    private Spf() {}

    /** The longest string one TXT character-string holds (RFC 1035 §3.3). */
    private static final int MAX_STRING = 255;

    /**
     * A rewritten SPF record.
     *
     * @param rdata     the new TXT data (the old when nothing moved)
     * @param moved     each mechanism moved, e.g. {@code ip4:203.0.113.25 -> ip4:198.51.100.25}
     * @param untouched mechanisms naming a network that holds a moved address, which a rule cannot rewrite
     *                  (the rest of the network may stay), e.g. {@code ip4:203.0.113.0/24 holds 203.0.113.25}
     */
    public record Rewritten(String rdata, List<String> moved, List<String> untouched, Set<InetAddress> movedFrom) {}

    /** The text of one TXT record: its strings joined, as SPF reads it (RFC 7208 §3.3). */
    public static String text(String txtRdata) {
        Record r;
        try {
            r = Record.fromString(Name.root, Type.TXT, DClass.IN, 0, txtRdata, Name.root);
        } catch (IOException e) {
            return txtRdata;
        }
        return String.join("", ((TXTRecord) r).getStrings());
    }

    /** True for an SPF record: the text is "v=spf1" alone or followed by a space (RFC 7208 §4.5). */
    public static boolean isSpf(String txtRdata) {
        String t = text(txtRdata).toLowerCase(Locale.ROOT);
        return t.equals("v=spf1") || t.startsWith("v=spf1 ");
    }

    /**
     * Moves the addresses of {@code ip4:}/{@code ip6:} mechanisms (any qualifier, with no prefix length or
     * the full one) from each key of {@code moves} to its value; other terms are kept exactly.
     */
    public static Rewritten rewrite(String txtRdata, Map<InetAddress, InetAddress> moves) {
        if (!isSpf(txtRdata)) return new Rewritten(txtRdata, List.of(), List.of(), Set.of());
        String[] terms = text(txtRdata).split(" ", -1);
        List<String> moved = new ArrayList<>();
        List<String> untouched = new ArrayList<>();
        Set<InetAddress> from = new LinkedHashSet<>();
        for (int i = 1; i < terms.length; i++) {
            Mechanism m = Mechanism.parse(terms[i]);
            if (m == null) continue;
            for (Map.Entry<InetAddress, InetAddress> mv : moves.entrySet()) {
                if (m.address().equals(mv.getKey()) && m.fullLength()) {
                    String to = m.with(mv.getValue());
                    moved.add(terms[i] + " -> " + to);
                    from.add(mv.getKey());
                    terms[i] = to;
                    break;
                }
                if (!m.fullLength() && m.holds(mv.getKey())) {
                    untouched.add(terms[i] + " holds " + Addresses.text(mv.getKey()));
                }
            }
        }
        if (moved.isEmpty()) return new Rewritten(txtRdata, List.of(), untouched, Set.of());
        return new Rewritten(toRdata(String.join(" ", terms)), moved, untouched, from);
    }

    /** Every IP address written in the TXT text (a network's address counts, its prefix dropped). */
    public static List<InetAddress> addressesIn(String txtRdata) {
        List<InetAddress> out = new ArrayList<>();
        for (String token : text(txtRdata).split("[\\s\"',;=()<>\\[\\]]+")) {
            String t = token.indexOf('/') >= 0 ? token.substring(0, token.indexOf('/')) : token;
            InetAddress a = Addresses.parse(t);
            if (a == null) {
                // "ip4:203.0.113.25", "+ip6:2001:db8::25", "addr:...": the address after a word and a colon.
                Matcher m = WORD_COLON.matcher(t);
                if (m.lookingAt()) a = Addresses.parse(t.substring(m.end()));
            }
            if (a != null) out.add(a);
        }
        return out;
    }

    private static final Pattern WORD_COLON = Pattern.compile("[+~?-]?[A-Za-z][A-Za-z0-9_-]*:");

    /** Text as TXT data: one string when it fits, else consecutive strings of at most 255 bytes. */
    static String toRdata(String text) {
        List<String> parts = new ArrayList<>();
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += MAX_STRING) {
            parts.add(new String(b, i, Math.min(MAX_STRING, b.length - i), StandardCharsets.UTF_8));
        }
        return new TXTRecord(Name.root, DClass.IN, 0, parts).rdataToString();
    }

    /** {@code [qualifier]ip4:ADDRESS[/len]} or {@code ip6:...} (RFC 7208 §5.6); names case-insensitive. */
    private record Mechanism(String prefix, InetAddress address, int length, int full, String suffix) {
        static Mechanism parse(String term) {
            String t = term;
            String qualifier = "";
            if (!t.isEmpty() && "+-~?".indexOf(t.charAt(0)) >= 0) {
                qualifier = t.substring(0, 1);
                t = t.substring(1);
            }
            if (t.length() < 5 || t.charAt(3) != ':') return null;
            String name = t.substring(0, 3).toLowerCase(Locale.ROOT);
            if (!name.equals("ip4") && !name.equals("ip6")) return null;
            String rest = t.substring(4);
            int slash = rest.indexOf('/');
            InetAddress a = Addresses.parse(slash < 0 ? rest : rest.substring(0, slash));
            int full = name.equals("ip4") ? 32 : 128;
            if (a == null || (a instanceof Inet4Address) != name.equals("ip4")) return null;
            int len = full;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(rest.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return null;
                }
                if (len < 0 || len > full) return null;
            }
            return new Mechanism(qualifier + t.substring(0, 4), a, len, full, slash < 0 ? "" : rest.substring(slash));
        }

        boolean fullLength() {
            return length == full;
        }

        String with(InetAddress to) {
            return prefix + Addresses.text(to) + suffix;
        }

        boolean holds(InetAddress a) {
            byte[] net = address.getAddress();
            byte[] x = a.getAddress();
            if (net.length != x.length) return false;
            for (int bit = 0; bit < length; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((net[bit / 8] & mask) != (x[bit / 8] & mask)) return false;
            }
            return true;
        }
    }
}
