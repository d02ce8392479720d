package dev.migrate.provider.sandbox;

import dev.migrate.dns.RRset;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/** Zones and a resolver for the sandbox tests. */
final class TestZones {
    private TestZones() {}

    static final String SOA = "ns1.example.com. hostmaster.example.com. 2026112001 7200 900 1209600 300";

    static RRset set(String zone, String name, String type, long ttl, String... data) {
        return RRset.of(name, type, ttl, Rdata.normaliseAll(type, List.of(data), zone));
    }

    /** example.com with one of everything the responder distinguishes. */
    static ZoneSnapshot exampleCom() {
        String z = "example.com.";
        List<RRset> s = new ArrayList<>();
        s.add(set(z, z, "SOA", 3600, SOA));
        s.add(set(z, z, "NS", 86400, "ns1.example.com.", "ns2.example.net."));
        s.add(set(z, z, "A", 3600, "203.0.113.10"));
        s.add(set(z, z, "MX", 3600, "10 mail.example.com.", "20 mail-backup.example.net."));
        s.add(set(z, z, "TXT", 3600, "\"v=spf1 ip4:203.0.113.25 -all\""));
        s.add(set(z, "ns1.example.com.", "A", 86400, "203.0.113.53"));
        s.add(set(z, "www.example.com.", "A", 3600, "203.0.113.10"));
        s.add(set(z, "www.example.com.", "AAAA", 3600, "2001:db8:10::10"));
        s.add(set(z, "shop.example.com.", "CNAME", 3600, "www.example.com."));
        s.add(set(z, "elsewhere.example.com.", "CNAME", 600, "www.example.org."));
        s.add(set(z, "mail.example.com.", "A", 14400, "203.0.113.25"));
        s.add(set(z, "_submission._tcp.example.com.", "SRV", 3600, "0 1 587 mail.example.com."));
        s.add(set(z, "deep.a.b.example.com.", "A", 3600, "192.0.2.1"));
        s.add(set(z, "*.wild.example.com.", "A", 300, "192.0.2.77"));
        s.add(set(z, "sub.example.com.", "NS", 3600, "ns.sub.example.com."));
        s.add(set(z, "ns.sub.example.com.", "A", 3600, "192.0.2.53"));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) many.add("\"record number " + i + " of a large RRset\"");
        s.add(set(z, "big.example.com.", "TXT", 60, many.toArray(String[]::new)));
        return new ZoneSnapshot(z, s);
    }

    static ZoneSnapshot exampleNet() {
        String z = "example.net.";
        return new ZoneSnapshot(z, List.of(
                set(z, z, "SOA", 3600, "ns2.example.net. hostmaster.example.net. 7 7200 900 1209600 60"),
                set(z, z, "NS", 3600, "ns2.example.net."),
                set(z, "ns2.example.net.", "A", 3600, "198.51.100.53")));
    }

    static SimpleResolver resolver(InetSocketAddress server) {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(Duration.ofSeconds(3));
        return r;
    }

    /** An authoritative-style query: recursion off, as the probes send it. */
    static Message query(String name, int type) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        return q;
    }

    static Message ask(InetSocketAddress server, String name, int type) throws IOException {
        return resolver(server).send(query(name, type));
    }
}
