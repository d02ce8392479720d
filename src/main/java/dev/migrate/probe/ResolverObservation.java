package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Propagation;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Asks recursive resolvers (the plan's {@code resolvers:}) what their clients get now, and when they will
 * get the new answer at the latest: a resolver serves a cached answer until its TTL runs out, and the TTL it
 * returns is what is left (RFC 1035 §4.1.3, RFC 2308 §5 for negative answers). A report only, never the
 * completion criterion (DOMAIN.md): resolvers may cap, stretch or serve stale answers (RFC 8767).
 */
public final class ResolverObservation {

    /**
     * One RRset as one resolver returns it.
     *
     * @param state     {@code match} (its clients see the expected data), {@code stale} (they still see other
     *                  data), or why there is no answer: {@code unreachable}, {@code refused}, {@code error}
     * @param answer    what it returned (null: no such RRset, or no answer)
     * @param remaining seconds left in its cache for what it returned (-1 unknown)
     * @param newBy     the instant its clients see the expected data at the latest, if it honours the TTL
     *                  (now when it already matches; null when unknown)
     */
    public record Seen(RRsetKey key, String state, RRset answer, long remaining, Instant newBy, String detail) {}

    public record Report(String resolver, List<Seen> rrsets) {}

    private final List<InetSocketAddress> resolvers;
    private final Duration queryTimeout;
    private final int tries;
    private final Clock clock;

    public ResolverObservation(List<InetSocketAddress> resolvers, Duration queryTimeout, int tries, Clock clock) {
        this.resolvers = List.copyOf(resolvers);
        this.queryTimeout = queryTimeout;
        this.tries = tries;
        this.clock = clock;
    }

    public static ResolverObservation forPlan(Plan plan, Clock clock) {
        Propagation p = plan.propagation();
        return new ResolverObservation(p.resolvers().stream().map(r -> NameserverDiscovery.literal(r, NameserverDiscovery.DNS_PORT)).toList(),
                p.queryTimeout(), p.tries(), clock);
    }

    public boolean isEmpty() {
        return resolvers.isEmpty();
    }

    /** One RD=1 query per expected RRset per resolver, all in flight at once. */
    public List<Report> observe(List<Expectation> expected) throws InterruptedException {
        List<Report> out = new ArrayList<>();
        if (resolvers.isEmpty()) return out;
        try (DnsQueries dns = new DnsQueries(queryTimeout, tries, 128)) {
            List<List<CompletableFuture<DnsQueries.Reply>>> pending = new ArrayList<>();
            for (InetSocketAddress r : resolvers) {
                List<CompletableFuture<DnsQueries.Reply>> each = new ArrayList<>();
                for (Expectation e : expected) {
                    each.add(dns.query(r, Names.toName(e.key().name()), Type.value(e.key().type()), true));
                }
                pending.add(each);
            }
            for (int i = 0; i < resolvers.size(); i++) {
                List<Seen> seen = new ArrayList<>();
                for (int j = 0; j < expected.size(); j++) {
                    DnsQueries.Reply reply;
                    try {
                        reply = pending.get(i).get(j).get();
                    } catch (ExecutionException e) {
                        reply = new DnsQueries.Reply(null, String.valueOf(e.getCause()));
                    }
                    seen.add(seen(reply, expected.get(j), clock.instant()));
                }
                out.add(new Report(new NameServer("", "", resolvers.get(i)).addressText(), seen));
            }
        }
        return out;
    }

    static Seen seen(DnsQueries.Reply reply, Expectation e, Instant now) {
        RRsetKey key = e.key();
        if (!reply.answered()) return new Seen(key, "unreachable", null, -1, null, reply.failure());
        Message m = reply.message();
        int rcode = m.getRcode();
        if (rcode == Rcode.REFUSED) return new Seen(key, "refused", null, -1, null, "answered REFUSED");
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return new Seen(key, "error", null, -1, null, "answered " + Rcode.string(rcode));
        }
        RRset answer = Answers.served(m, key);
        long remaining;
        if (answer != null) {
            remaining = answer.ttl();
        } else {
            // A negative answer carries the zone's SOA, its TTL counting down how long the "no" is cached
            // (RFC 2308 §5): a name created at the swap stays invisible that long.
            remaining = -1;
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord soa) remaining = Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        boolean match;
        if (e.rrset() == null) {
            match = answer == null;
        } else {
            match = answer != null && new HashSet<>(Answers.records(m, key)).equals(Answers.Wanted.of(e).records());
        }
        if (match) return new Seen(key, "match", answer, remaining, now, "");
        String what = answer == null ? (rcode == Rcode.NXDOMAIN ? "NXDOMAIN" : "no " + key.type() + " records")
                : String.join(", ", answer.rdata());
        Instant by = remaining >= 0 ? now.plusSeconds(remaining) : null;
        return new Seen(key, "stale", answer, remaining, by, "answers " + what + " for " + (remaining >= 0 ? remaining + " s more" : "an unknown time"));
    }
}
