package dev.migrate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.secret.Redactor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only journal: one JSON object per line, file mode 0600, every line fsync'd before the call
 * returns. It is the only record of what the tool did; status and rollback are derived from it. No
 * secret ever reaches it: every line passes the redactor, and a line that still held one is refused.
 */
public final class Journal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Clock clock;
    private long seq;

    private Journal(Path file, Clock clock, long seq) {
        this.file = file;
        this.clock = clock;
        this.seq = seq;
    }

    /** The journal in a plan's state directory; the directory is created 0700 and the file 0600. */
    public static Journal open(Path stateDir, Clock clock) throws IOException {
        createPrivateDirectories(stateDir);
        Path f = stateDir.resolve("journal.jsonl");
        if (Files.exists(f)) mendTornTail(f);
        List<Event> existing = Files.exists(f) ? read(f) : List.of();
        long last = existing.isEmpty() ? 0 : existing.get(existing.size() - 1).seq();
        return new Journal(f, clock, last);
    }

    /**
     * A run that died mid-append (power cut) can leave a last line without its newline. Reading ignores
     * such a torn line, but the next append would glue onto it and make a damaged line in the middle of
     * the journal. So before appending: a tail that is a whole event gets its newline; anything else is
     * cut off (its append never returned, so nothing was done on its strength). Called under the lock.
     */
    private static void mendTornTail(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) return;
            long start = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (start > 0) {
                one.clear();
                ch.read(one, start - 1);
                if (one.get(0) == '\n') break;
                start--;
            }
            if (start == size) return;
            ByteBuffer tail = ByteBuffer.allocate((int) Math.min(size - start, 1 << 24));
            ch.read(tail, start);
            String text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
            boolean whole;
            try {
                event(JSON.readTree(text));
                whole = true;
            } catch (IOException | BadEvent | RuntimeException e) {
                whole = false;
            }
            if (whole) {
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
            } else {
                ch.truncate(start);
            }
            ch.force(true);
        }
    }

    static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) createPrivateDirectories(parent);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Another process made it first.
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    /** Reads a state directory's journal without creating anything (dry runs, status). */
    public static List<Event> eventsIn(Path stateDir) throws IOException {
        Path f = stateDir.resolve("journal.jsonl");
        return Files.exists(f) ? read(f) : List.of();
    }

    /**
     * Starts a fresh journal after a rollback, keeping the old one beside it as
     * {@code journal-<instant>.jsonl}. Returns the archived file.
     */
    public Path archive() throws IOException {
        Path to = file.resolveSibling("journal-" + clock.instant().toString().replace(':', '-') + ".jsonl");
        java.nio.file.Files.move(file, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        seq = 0;
        return to;
    }

    public Path file() {
        return file;
    }

    public List<Event> events() throws IOException {
        return Files.exists(file) ? read(file) : List.of();
    }

    public Event append(String type, String phase, String batch, String zone, List<RRsetChange> changes,
            Map<String, String> info) throws IOException {
        Event e = new Event(++seq, clock.instant(), type, phase, batch, zone, changes, info);
        String line = line(e) + "\n";
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException ex) {
                Files.createFile(file);
            } catch (java.nio.file.FileAlreadyExistsException ignored) {
                // created by an earlier process between the check and here
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        return e;
    }

    public Event append(String type, String phase, Map<String, String> info) throws IOException {
        return append(type, phase, null, null, null, info);
    }

    /**
     * The JSON line the journal stores for {@code e} (without its newline), the same for every state store:
     * secrets redacted, and refused if one is still there.
     */
    public static String line(Event e) {
        // Redact the values before they are JSON-encoded: a secret holding a quote or a backslash is
        // escaped in the line and would slip past a search for its raw text. Then the line once more.
        String line = Redactor.global().redact(toJson(redacted(e)));
        if (Redactor.global().containsSecret(line)) {
            throw new IllegalStateException("refusing to write a secret to the journal");
        }
        return line;
    }

    /** One journal line back into its event; {@link IOException} when it is not one. */
    public static Event parse(String line) throws IOException {
        try {
            return event(JSON.readTree(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("not JSON (" + e.getOriginalMessage() + ")", e);
        } catch (BadEvent e) {
            throw new IOException("not a journal event: " + e.getMessage(), e);
        }
    }

    /** The event with every loaded secret blanked out of its info values and record data. */
    private static Event redacted(Event e) {
        Redactor r = Redactor.global();
        Map<String, String> info = new LinkedHashMap<>();
        e.info().forEach((k, v) -> info.put(r.redact(k), r.redact(v)));
        List<RRsetChange> changes = new ArrayList<>(e.changes().size());
        for (RRsetChange c : e.changes()) {
            changes.add(new RRsetChange(c.zone(), c.key(), redacted(c.before()), redacted(c.after())));
        }
        return new Event(e.seq(), e.at(), e.type(), e.phase(), e.batch(), e.zone(), changes, info);
    }

    private static RRset redacted(RRset s) {
        if (s == null || s.rdata().stream().noneMatch(Redactor.global()::containsSecret)) return s;
        return s.withData(s.rdata().stream().map(Redactor.global()::redact).toList());
    }

    // ---- serialisation ----

    static String toJson(Event e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("seq", e.seq());
        o.put("at", e.at().toString());
        o.put("event", e.type());
        if (e.phase() != null) o.put("phase", e.phase());
        if (e.batch() != null) o.put("batch", e.batch());
        if (e.zone() != null) o.put("zone", e.zone());
        if (!e.changes().isEmpty()) {
            ArrayNode a = o.putArray("changes");
            for (RRsetChange c : e.changes()) {
                ObjectNode co = a.addObject();
                co.put("name", c.key().name());
                co.put("type", c.key().type());
                image(co, "before", c.before());
                image(co, "after", c.after());
            }
        }
        if (!e.info().isEmpty()) {
            ObjectNode i = o.putObject("info");
            new java.util.TreeMap<>(e.info()).forEach(i::put);
        }
        return o.toString();
    }

    private static void image(ObjectNode o, String field, RRset s) {
        if (s == null) {
            o.putNull(field);
            return;
        }
        ObjectNode i = o.putObject(field);
        i.put("ttl", s.ttl());
        ArrayNode d = i.putArray("rdata");
        s.rdata().forEach(d::add);
    }

    /**
     * Reads every line. A torn last line (the process died mid-write, before the fsync returned) is
     * ignored: its event never happened as far as anyone was told. A bad line elsewhere is corruption.
     */
    static List<Event> read(Path f) throws IOException {
        byte[] all = Files.readAllBytes(f);
        List<Event> out = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        long lastSeq = 0;
        while (start < all.length) {
            int end = start;
            while (end < all.length && all[end] != '\n') end++;
            lineNo++;
            // A last line without its newline was torn by a crash mid-write: its append never returned, so
            // nothing was done on its strength. Every complete line must be a whole event.
            if (end == all.length) break;
            String text = utf8(all, start, end, f, lineNo);
            start = end + 1;
            if (text.isBlank()) continue;
            Event e;
            try {
                e = event(JSON.readTree(text));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw damaged(f, lineNo, "the line is not JSON (" + ex.getOriginalMessage() + ")");
            } catch (BadEvent ex) {
                throw damaged(f, lineNo, "not a journal event: " + ex.getMessage());
            }
            if (e.seq() <= lastSeq) {
                throw damaged(f, lineNo, "event number " + e.seq() + " does not follow " + lastSeq);
            }
            lastSeq = e.seq();
            out.add(e);
        }
        return out;
    }

    private static String utf8(byte[] b, int from, int to, Path f, int lineNo) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw damaged(f, lineNo, "the line is not valid UTF-8");
        }
    }

    private static IOException damaged(Path f, int lineNo, String what) {
        return new IOException(f + ":" + lineNo + ": the journal is damaged: " + what + ". Nothing was done; keep a copy"
                + " of the journal, and repair or remove that line by hand (every line is one JSON event)");
    }

    /** A line that is JSON but not an event this journal writes. */
    static final class BadEvent extends Exception {
        BadEvent(String message) {
            super(message);
        }
    }

    /** The event a line holds, checked field by field so that a wrong line is named, not a Java exception. */
    static Event event(JsonNode o) throws BadEvent {
        if (!o.isObject()) throw new BadEvent("expected a JSON object");
        if (!o.path("seq").canConvertToLong() || !o.path("seq").isIntegralNumber()) throw new BadEvent("'seq' is not a number");
        if (!o.path("event").isTextual()) throw new BadEvent("'event' is missing");
        if (!o.path("at").isTextual()) throw new BadEvent("'at' is missing");
        try {
            Instant.parse(o.get("at").asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadEvent("'at' is not an instant");
        }
        if (o.has("changes")) {
            if (!o.get("changes").isArray()) throw new BadEvent("'changes' is not a list");
            for (JsonNode c : o.get("changes")) {
                if (!c.path("name").isTextual() || !c.path("type").isTextual()) throw new BadEvent("a change without name or type");
                for (String side : List.of("before", "after")) {
                    JsonNode i = c.get(side);
                    if (i == null || i.isNull()) continue;
                    if (!i.path("ttl").isIntegralNumber() || !i.path("rdata").isArray()) {
                        throw new BadEvent("a change's '" + side + "' image has no ttl or rdata");
                    }
                }
            }
        }
        if (o.has("info") && !o.get("info").isObject()) throw new BadEvent("'info' is not an object");
        try {
            return fromJson(o);
        } catch (RuntimeException e) {
            throw new BadEvent("its records do not read (" + e.getMessage() + ")");
        }
    }

    static Event fromJson(JsonNode o) {
        String zone = o.hasNonNull("zone") ? o.get("zone").asText() : null;
        List<RRsetChange> changes = new ArrayList<>();
        if (o.has("changes")) {
            for (JsonNode c : o.get("changes")) {
                RRsetKey key = new RRsetKey(c.get("name").asText(), c.get("type").asText());
                changes.add(new RRsetChange(zone, key, image(key, c.get("before")), image(key, c.get("after"))));
            }
        }
        Map<String, String> info = new LinkedHashMap<>();
        if (o.has("info")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.get("info").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                info.put(e.getKey(), e.getValue().asText());
            }
        }
        return new Event(o.get("seq").asLong(), Instant.parse(o.get("at").asText()), o.get("event").asText(),
                text(o, "phase"), text(o, "batch"), zone, changes, info);
    }

    private static RRset image(RRsetKey key, JsonNode n) {
        if (n == null || n.isNull()) return null;
        List<String> d = new ArrayList<>();
        n.get("rdata").forEach(x -> d.add(x.asText()));
        return new RRset(key.name(), key.type(), n.get("ttl").asLong(), d);
    }

    private static String text(JsonNode o, String f) {
        return o.hasNonNull(f) ? o.get(f).asText() : null;
    }
}
