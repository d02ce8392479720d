package dev.migrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The zones a BIND {@code named.conf} serves, for {@code migrate init --named-conf}: what the runbooks
 * extract with grep and awk, read properly (comments in all three styles, quoted names, {@code include}
 * files, nested blocks such as {@code view}). Only zones this server is the source of ({@code type master}
 * or {@code primary}) are moved; secondaries, hints, stubs and forwards are someone else's.
 */
final class NamedConf {
    private NamedConf() {}

    /** One {@code zone} statement: its name, type and {@code file} (null when it has none). */
    record Zone(String name, String type, String file) {
        boolean primary() {
            return type.equals("master") || type.equals("primary");
        }
    }

    /** Includes nest at most this deep (a loop of includes would never end). */
    private static final int MAX_DEPTH = 10;

    static List<Zone> read(Path file) throws IOException {
        List<Zone> out = new ArrayList<>();
        read(file.toAbsolutePath().normalize(), out, new HashSet<>(), 0);
        return out;
    }

    private static void read(Path file, List<Zone> out, Set<Path> seen, int depth) throws IOException {
        if (depth > MAX_DEPTH || !seen.add(file)) return;
        List<String> t = tokens(Files.readString(file));
        for (int i = 0; i < t.size(); i++) {
            String w = t.get(i);
            if (w.equals("include") && i + 1 < t.size()) {
                Path inc = file.getParent().resolve(unquote(t.get(i + 1))).normalize();
                if (Files.isRegularFile(inc)) read(inc, out, seen, depth + 1);
                i++;
            } else if (w.equals("zone") && i + 1 < t.size() && t.get(i + 1).startsWith("\"")) {
                String name = unquote(t.get(i + 1));
                int open = indexFrom(t, "{", i + 2);
                if (open < 0) continue;
                int close = matching(t, open);
                String type = "";
                String zoneFile = null;
                for (int j = open + 1; j < close; j++) {
                    if (t.get(j).equals("type") && j + 1 < close) type = t.get(j + 1).toLowerCase(Locale.ROOT);
                    if (t.get(j).equals("file") && j + 1 < close) zoneFile = unquote(t.get(j + 1));
                }
                out.add(new Zone(name, type, zoneFile));
                i = close;
            }
        }
    }

    private static int indexFrom(List<String> t, String what, int from) {
        for (int i = from; i < t.size() && i < from + 3; i++) if (t.get(i).equals(what)) return i;
        return -1;
    }

    private static int matching(List<String> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).equals("{")) depth++;
            else if (t.get(i).equals("}") && --depth == 0) return i;
        }
        return t.size();
    }

    private static String unquote(String s) {
        return s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
    }

    /** Words, quoted strings (with their quotes), braces and semicolons; comments dropped. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n && text.charAt(j) != '"') j += text.charAt(j) == '\\' ? 2 : 1;
                out.add(text.substring(i, Math.min(j + 1, n)));
                i = j + 1;
            } else if (c == '{' || c == '}' || c == ';') {
                out.add(String.valueOf(c));
                i++;
            } else {
                int j = i;
                while (j < n && !Character.isWhitespace(text.charAt(j)) && "{};\"".indexOf(text.charAt(j)) < 0) j++;
                out.add(text.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
