package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.plan.DnsCheck;
import dev.migrate.probe.ServiceChecks.Result;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code dns} check: one question with recursion desired (RD=1) to one address, the answer's records
 * compared with the expected data. Made for a nameserver address that is kept alive as a forwarder to the
 * new servers (the old IP of a moved nameserver): resolvers that still hold the old NS or glue ask it, and
 * it must hand out the new data. An authoritative probe (RD=0) cannot check that: a forwarder answers
 * REFUSED or a referral to it.
 *
 * <p>A CNAME chain in the answer is followed (at most {@value #MAX_CHAIN} links) to the records of the
 * asked type; TTLs are not compared (a resolver's TTLs count down).
 */
final class DnsAnswerCheck {
    static final int MAX_CHAIN = 8;
    private static final int TRIES = 3;

    private DnsAnswerCheck() {}

    static Result run(DnsCheck c) throws InterruptedException {
        InetSocketAddress to;
        try {
            to = NameserverDiscovery.literal(c.server().toString(), NameserverDiscovery.DNS_PORT);
        } catch (IllegalArgumentException e) {
            return new Result(c.id(), false, e.getMessage(), Duration.ZERO);
        }
        String where = new NameServer("", "", to).addressText();
        String question = c.name() + " " + c.type();
        // A lost datagram is asked again: the check's timeout spread over a few tries (DOMAIN.md: 2-3 tries).
        Duration perTry = c.timeout().dividedBy(TRIES);
        if (perTry.compareTo(Duration.ofMillis(200)) < 0) perTry = Duration.ofMillis(200);
        long t0 = System.nanoTime();
        DnsQueries.Reply reply;
        try (DnsQueries dns = new DnsQueries(perTry, TRIES, 1)) {
            reply = dns.query(to, Names.toName(c.name()), Type.value(c.type()), true).get();
        } catch (ExecutionException e) {
            reply = new DnsQueries.Reply(null, DnsQueries.describe(e, perTry));
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - t0);
        String failure = judge(c, where, question, reply);
        if (failure != null) return new Result(c.id(), false, failure, latency);
        return new Result(c.id(), true, where + " answers " + question + " with " + shown(c.expect()) + " ("
                + how(reply.message()) + ") in " + latency.toMillis() + " ms", latency);
    }

    /** Null when the answer is the expected one, else why not. */
    static String judge(DnsCheck c, String where, String question, DnsQueries.Reply reply) {
        if (!reply.answered()) return "no answer from " + where + " for " + question + ": " + reply.failure();
        Message m = reply.message();
        int rcode = m.getRcode(); // check it on every response (DOMAIN.md pitfalls)
        if (rcode == Rcode.REFUSED) {
            return where + " answered REFUSED to a recursive query for " + question + ": it neither serves nor forwards"
                    + " this name for us (a forwarder must allow recursion for its clients)";
        }
        if (rcode == Rcode.SERVFAIL) {
            return where + " answered SERVFAIL for " + question + ": it could not get an answer (are the servers it"
                    + " forwards to reachable, and do they serve the zone?)";
        }
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return where + " answered " + Rcode.string(rcode) + " for " + question;
        }
        List<Record> got = answer(m, Names.toName(c.name()), Type.value(c.type()));
        Set<Record> want = expected(c, got.isEmpty() ? Names.toName(c.name()) : got.get(0).getName());
        if (want == null) return "the expected data of check " + c.id() + " does not parse as " + c.type();
        if (new HashSet<>(got).equals(want)) return null;
        String seen = got.isEmpty() ? (rcode == Rcode.NXDOMAIN ? "NXDOMAIN" : "no " + c.type() + " records")
                : shown(got.stream().map(Record::rdataToString).toList()) + " (TTL " + got.get(0).getTTL() + ")";
        String why = m.getHeader().getFlag(Flags.AA)
                ? "; the answer is authoritative (AA): this server still holds the zone itself instead of forwarding"
                : m.getHeader().getFlag(Flags.RA) ? "; from its cache or the servers it forwards to" : "";
        return where + " answers " + question + " with " + seen + ", expected " + shown(c.expect()) + why;
    }

    /** The records of {@code type} for {@code name}, following a CNAME chain within the answer section. */
    static List<Record> answer(Message m, Name name, int type) {
        Name at = name;
        for (int link = 0; link <= MAX_CHAIN; link++) {
            List<Record> found = Answers.records(m, at, type);
            if (!found.isEmpty() || type == Type.CNAME) return found;
            Name next = null;
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r instanceof CNAMERecord cn && r.getName().equals(at)) next = cn.getTarget();
            }
            if (next == null) return List.of();
            at = next;
        }
        return List.of();
    }

    /** The expected data as records at {@code owner}: Record.equals compares canonical wire data, TTL ignored. */
    private static Set<Record> expected(DnsCheck c, Name owner) {
        Set<Record> out = new HashSet<>();
        for (String d : c.expect()) {
            try {
                out.add(Record.fromString(owner, Type.value(c.type()), DClass.IN, 0, d, Name.root));
            } catch (IOException e) {
                return null;
            }
        }
        return out;
    }

    private static String how(Message m) {
        List<String> flags = new ArrayList<>();
        flags.add(m.getHeader().getFlag(Flags.AA) ? "authoritative" : "not authoritative");
        if (m.getHeader().getFlag(Flags.RA)) flags.add("recursion available");
        return String.join(", ", flags);
    }

    private static String shown(List<String> data) {
        if (data.isEmpty()) return "no records";
        String s = String.join(", ", data);
        return s.length() > 160 ? s.substring(0, 157) + "..." : s;
    }
}
