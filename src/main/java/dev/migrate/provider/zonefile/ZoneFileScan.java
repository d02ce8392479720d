package dev.migrate.provider.zonefile;

import dev.migrate.dns.Names;
import dev.migrate.support.IoProblems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Tokenizer;

/**
 * Looks over a zone file and every file it {@code $INCLUDE}s before dnsjava reads them, so that a zone is read
 * within bounds: dnsjava follows {@code $INCLUDE} into any file, to any depth (a file that includes itself
 * recurses until the process runs out of file handles or stack), and expands a {@code $GENERATE} range of up
 * to 2^32 records. The limits:
 * <ul>
 * <li>{@link #MAX_BYTES} for a zone's files together, each a regular file (a FIFO or a device could block
 *     or never end);</li>
 * <li>{@code $INCLUDE}: at most {@link #MAX_DEPTH} deep, {@link #MAX_INCLUDES} in all, no file that includes
 *     itself through any chain, and only files inside the zone file's own directory: the process may run as
 *     root, and a zone file that includes {@code /etc/shadow} would show lines of it in its parse errors;</li>
 * <li>{@code $GENERATE}: at most {@link #MAX_GENERATE} records each (a /16 of reverse names);</li>
 * <li>{@link #MAX_RECORDS} records in all, counted as the zone is read ({@link ZoneFiles#read}).</li>
 * </ul>
 * Each refusal says file:line and what to do. Only files holding a {@code $INCLUDE} or {@code $GENERATE} are
 * tokenized (with dnsjava's own tokenizer, so a directive is found exactly where dnsjava would act on it).
 */
final class ZoneFileScan {
    static final long MAX_BYTES = 128L * 1024 * 1024;
    static final int MAX_DEPTH = 8;
    static final int MAX_INCLUDES = 1000;
    static final long MAX_GENERATE = 65_536;
    static final int MAX_RECORDS = 1_000_000;

    /** The bounds a zone is read within; {@link #DEFAULT} everywhere but in tests of the bounds themselves. */
    record Limits(long bytes, int depth, int includes, long generate, int records) {
        static final Limits DEFAULT = new Limits(MAX_BYTES, MAX_DEPTH, MAX_INCLUDES, MAX_GENERATE, MAX_RECORDS);
    }

    /** A zone file or one of its includes that may not be read; the message says where and why. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final Limits limits;
    private final List<Path> allowed = new ArrayList<>();
    private long bytes;
    private int includes;
    private long generated;

    private ZoneFileScan(Path top, Limits limits) throws IOException {
        this.limits = limits;
        Path dir = top.toAbsolutePath().getParent();
        allowed.add(dir.toRealPath());
        Path real = top.toRealPath().getParent();
        if (!allowed.contains(real)) allowed.add(real);
    }

    /** Checks {@code file} and what it includes; throws {@link Refused} (or the I/O failure) otherwise. */
    static void check(Path file, Limits limits) throws IOException {
        ZoneFileScan scan = new ZoneFileScan(file, limits);
        scan.visit(file, 0, new ArrayList<>(), null);
    }

    private void visit(Path file, int depth, List<Path> chain, String from) throws IOException {
        String where = from == null ? file.toString() : from;
        BasicFileAttributes a;
        Path real;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
            real = file.toRealPath();
        } catch (IOException e) {
            throw new Refused(where + ": cannot read " + (from == null ? "the zone file" : "included file " + file) + ": "
                    + IoProblems.describe(e));
        }
        if (!a.isRegularFile()) {
            throw new Refused((from == null ? "" : where + ": ") + file + (a.isDirectory() ? " is a directory"
                    : " is not a regular file (a FIFO, socket or device)") + "; a zone is read from regular files only");
        }
        if (chain.contains(real)) {
            throw new Refused(where + ": $INCLUDE " + file + " includes itself (through " + chain.size() + " file"
                    + (chain.size() == 1 ? "" : "s") + "), which would never end");
        }
        if (bytes + a.size() > limits.bytes()) {
            throw new Refused(where + ": the zone's files come to more than " + mib(limits.bytes())
                    + " (with " + file + "); a zone file is read only up to that size: is it the right file?");
        }
        long size;
        boolean mentions;
        try (InputStream in = Files.newInputStream(file)) {
            long[] counted = new long[1];
            mentions = mentionsDirective(in, limits.bytes() - bytes + 1, counted);
            size = counted[0];
        }
        bytes += size;
        if (bytes > limits.bytes()) {
            throw new Refused(where + ": the zone's files come to more than " + mib(limits.bytes())
                    + " (" + file + " grew while it was read)");
        }
        if (!mentions) return;
        List<Path> inner = new ArrayList<>(chain);
        inner.add(real);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            directives(file, in, depth, inner);
        }
    }

    /**
     * Reads up to {@code max} bytes, 64 KiB at a time (a zone file is never held whole here), and answers
     * whether they hold "$INCLUDE" or "$GENERATE" in any case: only then is the file tokenized.
     * {@code counted[0]} gets the bytes read.
     */
    static boolean mentionsDirective(InputStream in, long max, long[] counted) throws IOException {
        byte[] buf = new byte[65_536 + 16];
        int carry = 0;
        boolean found = false;
        long total = 0;
        while (total < max) {
            int n = in.read(buf, carry, (int) Math.min(65_536, max - total));
            if (n < 0) break;
            total += n;
            int end = carry + n;
            if (!found) found = mentionsDirective(buf, end);
            carry = Math.min(9, end);
            System.arraycopy(buf, end - carry, buf, 0, carry);
        }
        counted[0] = total;
        return found;
    }

    static boolean mentionsDirective(byte[] text, int length) {
        for (int i = 0; i < length; i++) {
            if (text[i] == '$' && (startsWith(text, length, i + 1, "INCLUDE") || startsWith(text, length, i + 1, "GENERATE"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] text, int length, int at, String word) {
        if (at + word.length() > length) return false;
        for (int k = 0; k < word.length(); k++) {
            if (Character.toUpperCase((char) text[at + k]) != word.charAt(k)) return false;
        }
        return true;
    }

    private static final Pattern LINE = Pattern.compile("^[^:]*:(\\d+):");
    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)(?:/(\\d+))?");

    /**
     * Walks the file as dnsjava's {@code Master} does: each logical line is a record or, when its first token
     * starts at the line's start with '$', a directive. A syntax error ends the walk: dnsjava reports it when
     * it reads the file.
     */
    private void directives(Path file, InputStream text, int depth, List<Path> chain) throws IOException {
        Tokenizer st = new Tokenizer(text);
        try {
            while (true) {
                Tokenizer.Token t = st.get(true, false);
                if (t.type() == Tokenizer.EOF) return;
                if (t.type() == Tokenizer.EOL) continue;
                if (t.type() != Tokenizer.WHITESPACE && t.value().startsWith("$")) {
                    String word = t.value();
                    String where = file + ":" + line(st);
                    if (word.equalsIgnoreCase("$INCLUDE")) {
                        include(file, st.getString(), where, depth, chain);
                    } else if (word.equalsIgnoreCase("$GENERATE")) {
                        generate(st.getIdentifier(), where);
                    }
                }
                skipLine(st);
            }
        } catch (TextParseException e) {
            // Malformed: dnsjava says where when it reads the file.
        } finally {
            st.close();
        }
    }

    private void include(Path from, String name, String where, int depth, List<Path> chain) throws IOException {
        if (++includes > limits.includes()) {
            throw new Refused(where + ": more than " + limits.includes() + " $INCLUDEs in one zone; merge the files");
        }
        if (depth + 1 > limits.depth()) {
            throw new Refused(where + ": $INCLUDE nested more than " + limits.depth() + " files deep");
        }
        Path p = Path.of(name);
        // As dnsjava resolves it: a relative name against the directory of the file that includes it.
        Path target = p.isAbsolute() ? p : from.toAbsolutePath().getParent().resolve(p);
        Path real;
        try {
            real = target.toRealPath();
        } catch (IOException e) {
            throw new Refused(where + ": $INCLUDE " + Names.printable(name) + ": cannot read " + target + ": "
                    + IoProblems.describe(e));
        }
        if (allowed.stream().noneMatch(real::startsWith)) {
            throw new Refused(where + ": $INCLUDE " + Names.printable(name) + " is outside the zone file's directory "
                    + allowed.get(0) + "; included files are read from there only");
        }
        visit(target, depth + 1, chain, where);
    }

    private void generate(String range, String where) throws IOException {
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) return; // dnsjava refuses it with its own words
        try {
            long start = Long.parseLong(m.group(1));
            long end = Long.parseLong(m.group(2));
            long step = m.group(3) == null ? 1 : Long.parseLong(m.group(3));
            if (step <= 0 || end < start) return;
            long n = (end - start) / step + 1;
            if (n > limits.generate()) {
                throw new Refused(where + ": $GENERATE " + range + " makes " + n + " records; one $GENERATE makes at"
                        + " most " + limits.generate() + " (split the range)");
            }
            generated += n;
            if (generated > limits.records()) {
                throw new Refused(where + ": the zone's $GENERATEs make more than " + limits.records() + " records,"
                        + " the most a zone is read with");
            }
        } catch (NumberFormatException e) {
            throw new Refused(where + ": $GENERATE range " + Names.printable(range) + " is not a range of 32-bit numbers");
        }
    }

    private static String mib(long n) {
        return n >= 1024 * 1024 ? n / (1024 * 1024) + " MiB" : n + " bytes";
    }

    private static void skipLine(Tokenizer st) throws IOException {
        while (true) {
            Tokenizer.Token t = st.get();
            if (t.type() == Tokenizer.EOL || t.type() == Tokenizer.EOF) return;
        }
    }

    /** The tokenizer's line: dnsjava tells it only in the text of the exceptions it makes. */
    private static String line(Tokenizer st) {
        Matcher m = LINE.matcher(st.exception("").getMessage());
        return m.find() ? m.group(1) : "?";
    }
}
