package dev.migrate.dns;

import java.net.IDN;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Owner names: always absolute, lower case, with the trailing dot, and in presentation form as dnsjava
 * prints it (RFC 1035 §5.1): a byte that is not a plain printable character appears as {@code \DDD} or
 * {@code \X}, so a name can never carry a space, a newline or a {@code ;} into a zone file or a message.
 */
public final class Names {
    private Names() {}

    /** Longest label and name in octets (RFC 1035 §2.3.4). */
    static final int MAX_LABEL = 63;
    static final int MAX_NAME = 255;

    /**
     * Canonical form of an absolute name; a missing final dot is added (callers pass absolute names). A name
     * with anything besides letters, digits, {@code - _ * /} and dots is taken through dnsjava and printed
     * back, which escapes what must be escaped (and reads escapes already there). Throws
     * IllegalArgumentException for a name that is not one (an empty label, a label or name too long).
     */
    public static String canonical(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        String n = name.endsWith(".") ? name : name + ".";
        // The common case costs one pass and no parsing: RRsets of zones of 100,000 records come through here.
        if (plain(n)) return n.toLowerCase(Locale.ROOT);
        try {
            return Name.fromString(n, Name.root).toString().toLowerCase(Locale.ROOT);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name '" + printable(name) + "': " + e.getMessage(), e);
        }
    }

    /**
     * True when {@code n} (ending with a dot) holds only characters that print as themselves, has no empty
     * label (the root "." aside) and keeps to the label and name lengths.
     */
    private static boolean plain(String n) {
        if (n.equals(".")) return true;
        if (n.length() > MAX_NAME - 1) return false; // let dnsjava measure it (and refuse it) in octets
        int label = 0;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '.') {
                if (label == 0) return false;
                label = 0;
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '*' || c == '/') {
                if (++label > MAX_LABEL) return false;
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Resolves a name as written in a plan or zone file against its zone: {@code @} is the apex, a name
     * ending with a dot is absolute, anything else is relative to the zone.
     */
    public static String resolve(String written, String zone) {
        String z = canonical(zone);
        String w = written.trim();
        if (w.equals("@")) return z;
        if (w.endsWith(".")) return canonical(w);
        return canonical(w + "." + (z.equals(".") ? "" : z));
    }

    /**
     * A name an operator wrote in a plan, checked and resolved against {@code zone} ("." for a name that
     * stands alone, such as a zone): {@code @} is the apex, a name ending with a dot is absolute. Letters,
     * digits, {@code -}, {@code _} (service labels, RFC 8552), {@code /} (classless reverse zones, RFC 2317)
     * and a leftmost {@code *} label (a wildcard, RFC 4592) are accepted; an internationalised label is
     * converted to its ASCII form (punycode, java.net.IDN). Anything else cannot be meant as a name and
     * would be zone-file syntax (a space, {@code ;}, {@code (}, {@code "}, {@code $}, {@code \}, control
     * characters), so it is refused: IllegalArgumentException says which character and where.
     */
    public static String parseWritten(String written, String zone) {
        if (written == null) throw new IllegalArgumentException("a name is missing");
        String w = stripSpaces(written);
        if (w.isEmpty()) throw new IllegalArgumentException("the name is empty");
        if (w.equals("@")) return canonical(zone);
        for (int i = 0; i < w.length(); i = w.offsetByCodePoints(i, 1)) {
            int c = w.codePointAt(i);
            String bad = refusedInName(c);
            if (bad != null) {
                throw new IllegalArgumentException(bad + " at character " + (w.codePointCount(0, i) + 1) + " of '"
                        + printable(w) + "'");
            }
        }
        boolean absolute = w.endsWith(".");
        String body = absolute ? w.substring(0, w.length() - 1) : w;
        if (body.isEmpty()) {
            if (absolute) return ".";
            throw new IllegalArgumentException("the name is empty");
        }
        String[] labels = body.split("\\.", -1);
        StringBuilder ascii = new StringBuilder();
        for (int k = 0; k < labels.length; k++) {
            String label = labels[k];
            if (label.isEmpty()) {
                throw new IllegalArgumentException("'" + printable(w) + "' has an empty label (two dots in a row, or a"
                        + " dot at the start)");
            }
            if (label.contains("*") && (k != 0 || !label.equals("*"))) {
                throw new IllegalArgumentException("'" + printable(w) + "': '*' is only a wildcard as the whole leftmost"
                        + " label, as in *.example.com (RFC 4592)");
            }
            if (ascii.length() > 0) ascii.append('.');
            ascii.append(label.chars().allMatch(ch -> ch < 0x80) ? label : idnLabel(label, w));
        }
        for (String label : ascii.toString().split("\\.")) {
            if (label.length() > MAX_LABEL) {
                throw new IllegalArgumentException("'" + printable(w) + "' has a label of " + label.length()
                        + " characters; a label holds at most " + MAX_LABEL + " (RFC 1035 §2.3.4)");
            }
        }
        String name = absolute ? ascii + "." : ascii + "." + (canonical(zone).equals(".") ? "" : canonical(zone));
        if (name.length() > MAX_NAME - 1) {
            throw new IllegalArgumentException("'" + printable(w) + "' makes a name of " + name.length()
                    + " characters; a name holds at most 253 (255 octets on the wire, RFC 1035 §2.3.4)");
        }
        return canonical(name);
    }

    /** Why a character cannot be in a name written in a plan, or null when it can. */
    private static String refusedInName(int c) {
        if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0) return "a control character (" + codePoint(c) + ")";
        if (c < 0x80) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '*' || c == '/' || c == '.') {
                return null;
            }
            String what = switch (c) {
                case ' ' -> "a space";
                case '@' -> "'@' (write @ alone for the zone apex)";
                case '\\' -> "a backslash (escapes are not taken in plan names)";
                default -> "'" + (char) c + "'";
            };
            return what + " cannot be in a domain name (letters, digits, '-', '_', '/' and a leftmost '*' only)";
        }
        int type = Character.getType(c);
        if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SPACE_SEPARATOR || type == Character.PRIVATE_USE || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.CONTROL) {
            return "an invisible or unassigned character (" + codePoint(c) + ") cannot be in a domain name";
        }
        return null;
    }

    /**
     * An internationalised label in its ASCII form (RFC 3490 via java.net.IDN). java.net.IDN follows IDNA2003,
     * which maps four characters differently from IDNA2008 (RFC 5892): ß, ς, ZWJ and ZWNJ. A label holding one
     * would silently name another domain than the registry's, so it is refused.
     */
    private static String idnLabel(String label, String whole) {
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '\u00df' || c == '\u03c2' || c == '\u200c' || c == '\u200d') {
                throw new IllegalArgumentException("'" + printable(whole) + "' holds " + codePoint(c) + ", which the two"
                        + " IDNA standards convert differently: write the label in its ASCII form (xn--...) as your"
                        + " registry shows it");
            }
        }
        try {
            String a = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            if (a.isEmpty()) throw new IllegalArgumentException("empty after conversion");
            return a;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + printable(whole) + "' is not a valid internationalised name ("
                    + e.getMessage() + "); write it in its ASCII form (xn--...)");
        }
    }

    private static String stripSpaces(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == ' ') a++;
        while (b > a && s.charAt(b - 1) == ' ') b--;
        return s.substring(a, b);
    }

    /** U+000A (line feed) style, for messages. */
    static String codePoint(int c) {
        String name = Character.getName(c);
        return String.format("U+%04X", c) + (name == null ? "" : " " + name.toLowerCase(Locale.ROOT));
    }

    /**
     * Text made safe to quote in one line of a message or log: control and invisible characters appear as
     * {@code \\u{...}} so a hostile name cannot start a new line or hide itself.
     */
    public static String printable(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int t = Character.getType(c);
            if (c < 0x20 || c == 0x7f || t == Character.CONTROL || t == Character.FORMAT || t == Character.LINE_SEPARATOR
                    || t == Character.PARAGRAPH_SEPARATOR || t == Character.SURROGATE || t == Character.UNASSIGNED
                    || t == Character.PRIVATE_USE) {
                b.append(String.format("\\u{%X}", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** True when {@code name} is the zone apex or below it. */
    public static boolean inZone(String name, String zone) {
        String n = canonical(name);
        String z = canonical(zone);
        return z.equals(".") || n.equals(z) || below(n, z);
    }

    /**
     * {@code n} ends with ".z" at a label boundary: the dot before {@code z} is not itself escaped (in
     * {@code a\.example.com.} the label is "a.example", and the name is not below example.com.).
     */
    private static boolean below(String n, String z) {
        if (!n.endsWith("." + z)) return false;
        int backslashes = 0;
        for (int i = n.length() - z.length() - 2; i >= 0 && n.charAt(i) == '\\'; i--) backslashes++;
        return backslashes % 2 == 0;
    }

    /** The name as an operator reads it inside its zone: {@code @} for the apex, else relative. */
    public static String relative(String name, String zone) {
        String n = canonical(name);
        String z = canonical(zone);
        if (n.equals(z)) return "@";
        if (below(n, z)) return n.substring(0, n.length() - z.length() - 1);
        return n;
    }

    /** Syntax check with dnsjava (label lengths, total length); returns an error text or null. */
    public static String syntaxError(String absolute) {
        try {
            Name.fromString(canonical(absolute), Name.root);
            return null;
        } catch (IllegalArgumentException | TextParseException e) {
            return e.getMessage();
        }
    }

    public static Name toName(String absolute) {
        try {
            return Name.fromString(canonical(absolute), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name " + printable(absolute) + ": " + e.getMessage(), e);
        }
    }

    /** The name one label up ({@code a\.b.example.} keeps its escaped dot), or null above the root. */
    public static String parent(String name) {
        if (name.equals(".")) return null;
        for (int i = 0; i < name.length() - 1; i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                i++; // an escaped character, perhaps a dot inside a label
            } else if (c == '.') {
                return name.substring(i + 1);
            }
        }
        return ".";
    }
}
