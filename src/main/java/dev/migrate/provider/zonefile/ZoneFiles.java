package dev.migrate.provider.zonefile;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.support.CrashPoints;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Reads and writes BIND-format master files with dnsjava. */
public final class ZoneFiles {
    private ZoneFiles() {}

    /**
     * Reads a master file into RRsets. Records of one RRset with different TTLs are merged at the lowest
     * TTL (RFC 2181 §5.2 says to treat them so).
     */
    public static ZoneSnapshot read(Path file, String zone) throws IOException {
        String z = Names.canonical(zone);
        Name origin = Names.toName(z);
        // One map, one lookup per record: this loop runs once per record of zones of 100,000 and more.
        Map<String, Gathering> sets = new LinkedHashMap<>();
        try (Master master = new Master(file.toString(), origin)) {
            Record r;
            while ((r = master.nextRecord()) != null) {
                if (!r.getName().subdomain(origin)) {
                    throw new IOException(file + ": record " + r.getName() + " is outside zone " + z);
                }
                String name = r.getName().toString().toLowerCase(java.util.Locale.ROOT);
                String type = Type.string(r.getType());
                Gathering g = sets.computeIfAbsent(name + "\0" + type, k -> new Gathering(name, type));
                g.ttl = Math.min(g.ttl, r.getTTL());
                g.data.add(Rdata.text(r));
            }
        }
        List<RRset> out = new ArrayList<>(sets.size());
        for (Gathering g : sets.values()) out.add(new RRset(g.name, g.type, g.ttl, g.data));
        ZoneSnapshot snap = new ZoneSnapshot(z, out);
        if (snap.soa() == null) {
            throw new IOException(file + ": zone " + z + " has no SOA record at its apex");
        }
        return snap;
    }

    /** The records of one RRset as they are read. */
    private static final class Gathering {
        final String name;
        final String type;
        long ttl = Long.MAX_VALUE;
        final List<String> data = new ArrayList<>(2);

        Gathering(String name, String type) {
            this.name = name;
            this.type = type;
        }
    }

    /** The zone in master-file form: SOA first, then by owner name in canonical order, then type. */
    public static void write(Writer w, ZoneSnapshot zone) throws IOException {
        write(w, zone, null);
    }

    /** As {@link #write(Writer, ZoneSnapshot)}, with {@code $TTL defaultTtl} at the top when it is not null. */
    public static void write(Writer w, ZoneSnapshot zone, String defaultTtl) throws IOException {
        w.write("; written by migrate; comments and $INCLUDE structure of the original are not kept\n");
        w.write("$ORIGIN " + zone.zone() + "\n");
        if (defaultTtl != null) w.write("$TTL " + defaultTtl + "\n");
        List<RRset> sets = new ArrayList<>(zone.rrsets());
        sets.sort(Comparator.comparing((RRset s) -> !s.type().equals("SOA") || !s.name().equals(zone.zone()))
                .thenComparing(s -> Names.toName(s.name()))
                .thenComparing(RRset::type));
        int written = 0;
        int half = Math.max(1, sets.size() / 2);
        for (RRset s : sets) {
            for (String d : s.rdata()) {
                w.write(s.name());
                w.write('\t');
                w.write(Long.toString(s.ttl()));
                w.write("\tIN\t");
                w.write(s.type());
                w.write('\t');
                w.write(d);
                w.write('\n');
            }
            if (++written == half) {
                w.flush();
                CrashPoints.reach("zonefile-write-midway");
            }
        }
    }

    /**
     * Replaces {@code file} atomically: a temporary file in the same directory, fsync, rename over the
     * original, fsync of the directory so the rename itself survives a power cut. The original's
     * permissions are kept.
     */
    public static void writeAtomically(Path file, ZoneSnapshot zone) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        removeLeftovers(dir, file.getFileName().toString());
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        String defaultTtl = Files.exists(file) ? defaultTtl(file) : null;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                Writer w = new BufferedWriter(new OutputStreamWriter(java.nio.channels.Channels.newOutputStream(ch),
                        StandardCharsets.UTF_8), 1 << 16);
                write(w, zone, defaultTtl);
                w.flush();
                ch.force(true);
            }
            if (Files.exists(file)) keepAttributes(file, tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically on this file system", e);
            }
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final java.util.regex.Pattern TTL_DIRECTIVE =
            java.util.regex.Pattern.compile("^\\$TTL\\s+(\\d+|(?:\\d+[smhdwSMHDW])+)\\s*(;.*)?$");

    /**
     * The value of the file's first {@code $TTL} directive as written ({@code 3600}, {@code 1h}), kept at the
     * top of a rewritten file (every record carries its TTL, but operators read the default there); null
     * when its first lines have none (only the head is read: zones run to 100,000 records).
     */
    static String defaultTtl(Path file) throws IOException {
        try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int n = 0; n < 200 && (line = r.readLine()) != null; n++) {
                java.util.regex.Matcher m = TTL_DIRECTIVE.matcher(line.strip());
                if (m.matches()) return m.group(1);
            }
        } catch (java.nio.charset.MalformedInputException e) {
            return null; // not UTF-8: dnsjava read it; only the directive is lost
        }
        return null;
    }

    /**
     * The replacement gets the original's permissions, and its owner and group where this process may
     * set them: a zone file that is {@code root:bind 0640} must stay readable by the name server after a
     * write by root, or the next reload fails.
     */
    private static void keepAttributes(Path original, Path replacement) throws IOException {
        PosixFileAttributeView from = Files.getFileAttributeView(original, PosixFileAttributeView.class);
        PosixFileAttributeView to = Files.getFileAttributeView(replacement, PosixFileAttributeView.class);
        if (from == null || to == null) return; // not a POSIX file system: the defaults will do
        PosixFileAttributes a = from.readAttributes();
        try {
            to.setGroup(a.group());
        } catch (IOException notAllowed) {
            // Only a member of the group (or root) may hand the file to it; the file stays ours.
        }
        try {
            to.setOwner(a.owner());
        } catch (IOException notAllowed) {
            // Only root may give a file away.
        }
        to.setPermissions(a.permissions());
    }

    /**
     * Temporary files of writers that died mid-write (killed, power cut): the original was never replaced,
     * so they hold nothing anyone needs. Files of live processes are left alone.
     */
    static void removeLeftovers(Path dir, String fileName) {
        String prefix = "." + fileName + ".tmp-";
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(x -> x.getFileName().toString().startsWith(prefix)).toList()) {
                String pid = p.getFileName().toString().substring(prefix.length());
                if (!pid.matches("\\d+") || ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // Leftovers are untidy, not harmful; never fail a write over them.
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; the rename is still atomic there.
        }
    }

    /** Owner names in the zone, for callers that need them sorted canonically. */
    static Set<String> names(ZoneSnapshot z) {
        Set<String> out = new TreeSet<>();
        for (RRset s : z.rrsets()) out.add(s.name());
        return out;
    }
}
