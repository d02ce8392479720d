package dev.migrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.Names;

/** JSON output helpers: one document per command, instants as ISO-8601 strings, durations in seconds. */
final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode image(RRset s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("ttl", s.ttl());
        ArrayNode a = o.putArray("rdata");
        s.rdata().forEach(a::add);
        return o;
    }

    static ObjectNode change(RRsetChange c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("zone", c.zone());
        o.put("name", c.key().name());
        o.put("relativeName", Names.relative(c.key().name(), c.zone()));
        o.put("type", c.key().type());
        if (c.before() == null) o.putNull("before");
        else o.set("before", image(c.before()));
        if (c.after() == null) o.putNull("after");
        else o.set("after", image(c.after()));
        return o;
    }
}
