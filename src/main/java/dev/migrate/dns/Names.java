package dev.migrate.dns;

import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Owner names: always absolute, lower case, with the trailing dot. */
public final class Names {
    private Names() {}

    /** Canonical form of an absolute name; a missing final dot is added (callers pass absolute names). */
    public static String canonical(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
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

    /** True when {@code name} is the zone apex or below it. */
    public static boolean inZone(String name, String zone) {
        String n = canonical(name);
        String z = canonical(zone);
        return z.equals(".") || n.equals(z) || n.endsWith("." + z);
    }

    /** The name as an operator reads it inside its zone: {@code @} for the apex, else relative. */
    public static String relative(String name, String zone) {
        String n = canonical(name);
        String z = canonical(zone);
        if (n.equals(z)) return "@";
        if (n.endsWith("." + z)) return n.substring(0, n.length() - z.length() - 1);
        return n;
    }

    /** Syntax check with dnsjava (label lengths, total length); returns an error text or null. */
    public static String syntaxError(String absolute) {
        try {
            Name.fromString(canonical(absolute), Name.root);
            return null;
        } catch (TextParseException e) {
            return e.getMessage();
        }
    }

    public static Name toName(String absolute) {
        try {
            return Name.fromString(canonical(absolute), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name " + absolute + ": " + e.getMessage(), e);
        }
    }
}
