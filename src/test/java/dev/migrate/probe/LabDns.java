package dev.migrate.probe;

import dev.migrate.dns.RRset;
import dev.migrate.dns.Rdata;
import dev.migrate.lab.TsigKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** Test helpers: RFC 2136 updates straight to a lab primary, and probe wiring for lab addresses. */
final class LabDns {
    private LabDns() {}

    /** Replaces the whole RRset in one UPDATE (atomic, RFC 2136 §3.7); {@code Update.replace(Record[])} would keep only the last record. */
    static void replace(int port, TsigKey key, String zone, RRset set) throws IOException {
        Update u = new Update(Name.fromString(zone));
        u.delete(Name.fromString(set.name()), Type.value(set.type()));
        for (Record r : Rdata.toRecords(set)) u.add(r);
        send(port, key, u);
    }

    static void delete(int port, TsigKey key, String zone, String name, String type) throws IOException {
        Update u = new Update(Name.fromString(zone));
        u.delete(Name.fromString(name), Type.value(type));
        send(port, key, u);
    }

    private static void send(int port, TsigKey key, Message m) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(3));
        r.setTSIGKey(key.toTsig());
        Message resp = r.send(m);
        if (resp.getRcode() != Rcode.NOERROR) {
            throw new IOException("update refused: " + Rcode.string(resp.getRcode()));
        }
    }

    static NameServer ns(String zone, String name, int port) {
        return new NameServer(zone, name, new InetSocketAddress("127.0.0.1", port));
    }

    static Map<String, List<NameServer>> servers(String zone, NameServer... ns) {
        return Map.of(zone, List.of(ns));
    }
}
