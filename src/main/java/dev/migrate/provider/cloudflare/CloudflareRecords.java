package dev.migrate.provider.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.Rdata;
import java.io.IOException;
import java.util.Set;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * Cloudflare's record JSON and this tool's presentation-form record data, both ways. Cloudflare writes
 * names without the final dot, keeps MX and SRV priorities outside {@code content}, and holds SRV and CAA
 * fields in a {@code data} object (https://developers.cloudflare.com/api/resources/dns/subresources/records/).
 */
final class CloudflareRecords {
    private CloudflareRecords() {}

    /** The types this adapter reads and writes; others in a zone are left out of its snapshot. */
    static final Set<String> TYPES = Set.of("A", "AAAA", "CAA", "CNAME", "MX", "NS", "SRV", "TXT");

    /** Record data of one Cloudflare record in this tool's normalised presentation form. */
    static String rdata(JsonNode r) {
        String type = r.path("type").asText();
        String content = r.path("content").asText("");
        JsonNode data = r.path("data");
        String text = switch (type) {
            case "MX" -> r.path("priority").asInt() + " " + absolute(content);
            // Cloudflare asks for TXT content as quoted character strings (RFC 1035) but still holds records
            // written unquoted; an unquoted one is a single string, whatever spaces it holds.
            case "TXT" -> content.startsWith("\"") ? content : Rdata.quotedStrings(content);
            case "SRV" -> data.isObject()
                    ? data.path("priority").asInt() + " " + data.path("weight").asInt() + " " + data.path("port").asInt()
                            + " " + absolute(data.path("target").asText())
                    : r.path("priority").asInt() + " " + content;
            case "CAA" -> data.isObject()
                    ? data.path("flags").asInt() + " " + data.path("tag").asText() + " " + Rdata.quotedStrings(data.path("value").asText())
                    : content;
            case "CNAME", "NS" -> absolute(content);
            default -> content;
        };
        return Rdata.normalise(type, text, ".");
    }

    /**
     * Puts record data into a record object for a write: {@code content} (with {@code priority} for MX) or
     * {@code data} for SRV and CAA, as the create-record schema has them.
     */
    static void putData(ObjectNode o, String type, String rdata) {
        Record rec;
        try {
            rec = Record.fromString(Name.root, Type.value(type), DClass.IN, 0, rdata, Name.root);
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + rdata + "' is not valid " + type + " data: " + e.getMessage(), e);
        }
        switch (type) {
            case "MX" -> {
                MXRecord mx = (MXRecord) rec;
                o.put("content", relative(mx.getTarget()));
                o.put("priority", mx.getPriority());
            }
            case "SRV" -> {
                SRVRecord srv = (SRVRecord) rec;
                ObjectNode d = o.putObject("data");
                d.put("priority", srv.getPriority());
                d.put("weight", srv.getWeight());
                d.put("port", srv.getPort());
                d.put("target", relative(srv.getTarget()));
            }
            case "CAA" -> {
                CAARecord caa = (CAARecord) rec;
                ObjectNode d = o.putObject("data");
                d.put("flags", caa.getFlags());
                d.put("tag", caa.getTag());
                d.put("value", caa.getValue());
            }
            case "CNAME" -> o.put("content", relative(((org.xbill.DNS.CNAMERecord) rec).getTarget()));
            case "NS" -> o.put("content", relative(((org.xbill.DNS.NSRecord) rec).getTarget()));
            // TXT goes as dnsjava prints it: quoted strings, the form Cloudflare documents for TXT content.
            default -> o.put("content", rdata);
        }
    }

    /** An owner name as Cloudflare writes it: absolute, without the final dot. */
    static String cfName(String absolute) {
        return absolute.endsWith(".") && absolute.length() > 1 ? absolute.substring(0, absolute.length() - 1) : absolute;
    }

    private static String relative(Name n) {
        return cfName(n.toString());
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }
}
