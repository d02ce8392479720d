package dev.migrate.state.pg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * An event as a row of {@code migrate_event} and back. Both ways go through the file journal's own JSON
 * image ({@link Journal#line}, {@link Journal#parse}): the same redaction, the same before- and
 * after-images, so a journal moved between the backends means exactly the same.
 */
final class EventRows {
    private EventRows() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The columns after migration, journal and epoch, in this order. */
    static final String COLUMNS = "seq, at, at_nanos, type, phase, batch, zone, changes, info";
    static final String SELECT = "seq, at, at_nanos, type, phase, batch, zone, changes::text, info::text";
    static final String PLACEHOLDERS = "?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb";

    /**
     * Binds the event's columns from {@code first} on. The event is redacted on the way (and refused if
     * a secret is still in it) exactly as the file journal does.
     */
    static void bind(PreparedStatement ps, int first, Event e) throws SQLException {
        JsonNode o;
        try {
            o = JSON.readTree(Journal.line(e));
        } catch (IOException ex) {
            throw new IllegalStateException("the journal's own JSON did not parse", ex);
        }
        Instant at = Instant.parse(o.get("at").asText());
        int i = first;
        ps.setLong(i++, o.get("seq").asLong());
        ps.setObject(i++, OffsetDateTime.ofInstant(at.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        ps.setInt(i++, at.getNano() % 1000);
        ps.setString(i++, o.get("event").asText());
        text(ps, i++, o, "phase");
        text(ps, i++, o, "batch");
        text(ps, i++, o, "zone");
        json(ps, i++, o, "changes");
        json(ps, i, o, "info");
    }

    /** The event in the current row of a result selected with {@link #SELECT}. */
    static Event read(ResultSet rs, String where) throws IOException, SQLException {
        ObjectNode o = JSON.createObjectNode();
        long seq = rs.getLong(1);
        o.put("seq", seq);
        Instant at = rs.getObject(2, OffsetDateTime.class).toInstant().plusNanos(rs.getInt(3));
        o.put("at", at.toString());
        o.put("event", rs.getString(4));
        put(o, "phase", rs.getString(5));
        put(o, "batch", rs.getString(6));
        put(o, "zone", rs.getString(7));
        try {
            if (rs.getString(8) != null) o.set("changes", JSON.readTree(rs.getString(8)));
            if (rs.getString(9) != null) o.set("info", JSON.readTree(rs.getString(9)));
            return Journal.parse(o.toString());
        } catch (IOException e) {
            throw new IOException(where + ", event " + seq + ": the journal is damaged (" + e.getMessage()
                    + "); export what is readable and inspect the row by hand");
        }
    }

    private static void text(PreparedStatement ps, int i, JsonNode o, String field) throws SQLException {
        if (o.hasNonNull(field)) ps.setString(i, o.get(field).asText());
        else ps.setNull(i, Types.VARCHAR);
    }

    private static void json(PreparedStatement ps, int i, JsonNode o, String field) throws SQLException {
        if (o.has(field)) ps.setString(i, o.get(field).toString());
        else ps.setNull(i, Types.VARCHAR);
    }

    private static void put(ObjectNode o, String field, String value) {
        if (value != null) o.put(field, value);
    }
}
