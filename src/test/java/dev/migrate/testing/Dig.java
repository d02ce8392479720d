package dev.migrate.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** One question to a lab server on 127.0.0.1, as {@code dig} would ask it: what tests assert DNS with. */
public final class Dig {
    private Dig() {}

    /**
     * The answer of one RRset: its records in presentation form, sorted, and its TTL (-1 when empty).
     *
     * @param rcode the response code's name (NOERROR, NXDOMAIN, REFUSED, ...)
     */
    public record Answer(List<String> data, long ttl, String rcode, boolean authoritative) {
        @Override
        public String toString() {
            return rcode + (authoritative ? " aa " : " ") + data + (ttl < 0 ? "" : " TTL " + ttl);
        }
    }

    /** An authoritative server's answer (RD=0). */
    public static Answer authoritative(int port, String name, String type) throws IOException {
        return ask(port, name, type, false);
    }

    /**
     * An authoritative server's answer once it satisfies {@code wanted}, asking every 100 ms for at most
     * {@code within} (a secondary transfers a change some moments after the NOTIFY); the last answer otherwise.
     */
    public static Answer authoritative(int port, String name, String type, java.util.function.Predicate<Answer> wanted,
            Duration within) throws IOException, InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        Answer a = authoritative(port, name, type);
        while (!wanted.test(a) && System.nanoTime() < until) {
            Thread.sleep(100);
            a = authoritative(port, name, type);
        }
        return a;
    }

    /** A resolver's answer (RD=1), as a stub resolver of a client would ask it. */
    public static Answer recursive(int port, String name, String type) throws IOException {
        return ask(port, name, type, true);
    }

    private static Answer ask(int port, String name, String type, boolean recursion) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(2));
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.value(type), DClass.IN));
        if (!recursion) q.getHeader().unsetFlag(Flags.RD);
        Message resp = r.send(q);
        List<Record> records = resp.getSection(Section.ANSWER).stream().filter(x -> x.getType() == Type.value(type)).toList();
        return new Answer(records.stream().map(Record::rdataToString).sorted().toList(),
                records.isEmpty() ? -1 : records.get(0).getTTL(), Rcode.string(resp.getRcode()),
                resp.getHeader().getFlag(Flags.AA));
    }
}
