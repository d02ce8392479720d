package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Propagation;
import dev.migrate.support.Sleeper;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    public record Report(String resolver, List<Seen> rrsets) {
        /** Its clients see the expected data for every RRset. */
        public boolean seesNew() {
            return rrsets.stream().allMatch(s -> s.state().equals("match"));
        }

        /** The latest instant any RRset it still answers otherwise turns over, if it honours TTLs; null when unknown. */
        public Instant newBy() {
            Instant latest = null;
            for (Seen s : rrsets) {
                if (s.state().equals("match")) continue;
                if (s.newBy() == null) return null;
                if (latest == null || s.newBy().isAfter(latest)) latest = s.newBy();
            }
            return latest;
        }
    }

    /**
     * One resolver over a wait.
     *
     * @param seenNewAt when its clients were first seen getting the expected data for every RRset, in the
     *                  streak that lasted to the end (null: not by the deadline)
     * @param newBy     when it is not there yet: when it will be at the latest if it honours the TTLs it
     *                  returned (null when unknown: unreachable, refused, no TTL)
     * @param last      what it answered in the last poll
     */
    public record ResolverWait(String resolver, Instant seenNewAt, Instant newBy, Report last) {
        public boolean seesNew() {
            return seenNewAt != null;
        }

        /** One line: {@code 127.0.0.1:5353 sees the new answer since ...} or why not yet. */
        public String describe() {
            if (seesNew()) return resolver + " sees the new answer since " + seenNewAt;
            List<String> why = last.rrsets().stream().filter(s -> !s.state().equals("match"))
                    .map(s -> s.key() + " " + s.state() + (s.detail().isEmpty() ? "" : " (" + s.detail() + ")")).limit(3).toList();
            return resolver + " does not see it yet" + (newBy == null ? "" : ", by " + newBy + " at the latest if it honours"
                    + " the TTL") + ": " + String.join("; ", why);
        }
    }

    /**
     * The resolvers over a wait ({@code resolvers: { gate: true }}).
     *
     * @param allSeeNew every resolver's clients get the expected data in the last poll
     */
    public record Gate(boolean allSeeNew, List<ResolverWait> resolvers, String summary) {}

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

    /** The plan says confirm waits for the resolvers too ({@code resolvers: { gate: true }}). */
    public static boolean gated(Plan plan) {
        return plan.propagation().resolverGate() && !plan.propagation().resolvers().isEmpty();
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

    /**
     * Polls every resolver every {@code interval} until the clients of each get the expected data or the
     * deadline passes: what {@code resolvers: { gate: true }} makes confirm wait for, after the authoritative
     * servers. A report of when each resolver's clients see the new answer comes back either way: the first
     * poll of the streak in which it matched (a resolver that flips back, e.g. several caches behind one
     * address, starts its streak again), or, when not yet, when it will at the latest if it honours the TTL.
     * Time comes from the injected clock and sleeper; the number of polls is bounded from the start (at most
     * one per interval until the deadline, plus one), so a clock that does not move cannot make it loop.
     */
    public Gate await(List<Expectation> expected, Instant deadline, Duration interval, Sleeper sleeper,
            PropagationCheck.Listener listener) throws InterruptedException {
        Instant start = clock.instant();
        Map<String, Instant> since = new LinkedHashMap<>();
        List<Report> last = List.of();
        long maxPolls = Math.max(1, Duration.between(start, deadline).toMillis() / Math.max(1, interval.toMillis()) + 1);
        for (long poll = 0; poll < maxPolls; poll++) {
            Instant at = clock.instant();
            last = observe(expected);
            List<String> waiting = new ArrayList<>();
            for (Report r : last) {
                if (r.seesNew()) since.putIfAbsent(r.resolver(), at);
                else {
                    since.remove(r.resolver());
                    waiting.add(r.resolver());
                }
            }
            listener.progress(last.size() - waiting.size(), last.size(), waiting, Duration.between(start, clock.instant()), deadline);
            if (waiting.isEmpty() || !clock.instant().plus(interval).isBefore(deadline)) break;
            sleeper.sleep(interval);
        }
        List<ResolverWait> out = new ArrayList<>();
        for (Report r : last) {
            Instant s = since.get(r.resolver());
            out.add(new ResolverWait(r.resolver(), s, s == null ? r.newBy() : null, r));
        }
        boolean all = out.stream().allMatch(ResolverWait::seesNew);
        long seeing = out.stream().filter(ResolverWait::seesNew).count();
        String summary = all ? "every resolver (" + out.size() + ") gives its clients the new answer"
                : seeing + "/" + out.size() + " resolvers give their clients the new answer by " + deadline + "; "
                        + String.join("; ", out.stream().filter(w -> !w.seesNew()).map(ResolverWait::describe).limit(5).toList());
        return new Gate(all, out, summary);
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
