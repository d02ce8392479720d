package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Type;

/**
 * The whole-zone comparison of a provider move: every address (IPv4 and IPv6) of every new nameserver is
 * asked, with RD=0, for every RRset the old zone holds, and must answer with the AA bit and the same data
 * at the same TTL (at a zone cut inside the zone: the same referral and glue). Each difference is reported
 * by RRset and address. Not only the RRsets a plan changes: after the delegation moves, the new servers
 * answer for every name.
 *
 * <p>One round asks each address's SOA first (a connected socket: a silent port is known at once), then
 * sweeps the RRsets of the addresses that answered it. {@link #await} repeats rounds until every address
 * is identical in {@code rounds} consecutive rounds (a new provider's secondaries may still be catching up
 * with the copy) or the deadline passes.
 */
public final class ZoneComparison {
    private static final Duration FIRST_TRY_FLOOR = Duration.ofMillis(250);

    /** One address after one round: every difference found (empty when it serves the old zone exactly). */
    public record AddressComparison(NameServer server, List<Difference> differences) {
        public AddressComparison {
            differences = List.copyOf(differences);
        }

        public boolean identical() {
            return differences.isEmpty();
        }
    }

    /**
     * Every address asked once.
     *
     * @param compared how many RRsets were asked of each address
     * @param occluded RRsets of the old zone no server answers (below a zone cut, not glue): not compared
     */
    public record Sweep(Instant startedAt, Instant finishedAt, List<AddressComparison> addresses, int compared,
            List<RRsetKey> occluded) {
        public Sweep {
            addresses = List.copyOf(addresses);
            occluded = List.copyOf(occluded);
        }

        /** Every address serves every RRset exactly (and there is at least one address). */
        public boolean identical() {
            return !addresses.isEmpty() && addresses.stream().allMatch(AddressComparison::identical);
        }

        public List<Difference> differences() {
            List<Difference> out = new ArrayList<>();
            for (AddressComparison a : addresses) out.addAll(a.differences());
            return out;
        }

        public int identicalAddresses() {
            return (int) addresses.stream().filter(AddressComparison::identical).count();
        }
    }

    /**
     * @param identical   every address identical in the required consecutive rounds
     * @param confirmedAt when the first of those rounds finished, or null
     */
    public record Outcome(boolean identical, Instant confirmedAt, Sweep last, int rounds, String summary) {}

    private final String zone;
    private final List<NameServer> servers;
    private final AuthoritativeProbe.Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Random random;

    /** @param servers the new nameservers' addresses, all for {@code zone} */
    public ZoneComparison(String zone, List<NameServer> servers, AuthoritativeProbe.Settings settings, Clock clock,
            Sleeper sleeper) {
        if (servers.isEmpty()) throw new IllegalArgumentException("no address to compare on for " + zone);
        this.zone = Names.canonical(zone);
        this.servers = List.copyOf(servers);
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = new Random();
    }

    public List<NameServer> servers() {
        return servers;
    }

    /** Rounds until every address serves {@code expected} exactly, or the deadline. */
    public Outcome await(Collection<RRset> expected, Instant deadline, PropagationCheck.Listener listener)
            throws InterruptedException {
        ZoneAnswers.Layout layout = ZoneAnswers.layout(zone, expected);
        Instant start = clock.instant();
        Rounds.Result<Sweep> r = Rounds.until(() -> sweep(layout), Sweep::identical, Sweep::finishedAt, settings, deadline,
                clock, sleeper, random, s -> listener.progress(s.identicalAddresses(), s.addresses().size(),
                        s.differences().stream().map(Difference::describe).limit(10).toList(),
                        Duration.between(start, clock.instant()), deadline));
        Sweep last = r.last();
        String summary;
        if (r.settled()) {
            summary = last.addresses().size() + "/" + last.addresses().size() + " new nameserver addresses serve all "
                    + last.compared() + " RRsets of the old zone exactly (data and TTL), confirmed at " + r.settledAt();
        } else {
            List<Difference> d = last.differences();
            summary = last.identicalAddresses() + "/" + last.addresses().size() + " new nameserver addresses serve the old"
                    + " zone exactly; " + d.size() + " difference" + (d.size() == 1 ? "" : "s") + " after " + r.rounds()
                    + " round" + (r.rounds() == 1 ? "" : "s");
        }
        return new Outcome(r.settled(), r.settledAt(), last, r.rounds(), summary);
    }

    /**
     * The DNSKEY RRset the new servers serve at the apex (presentation form), from the first address that
     * answers it with authority; empty when none does (the zone is not signed there, or nothing answered:
     * either way no key to match a DS against).
     */
    public List<String> apexKeys() throws InterruptedException {
        try (DnsQueries dns = new DnsQueries(settings.queryTimeout(), settings.tries(), settings.maxInFlight())) {
            for (NameServer ns : servers) {
                DnsQueries.Reply r;
                try {
                    r = dns.query(ns.address(), Names.toName(zone), Type.DNSKEY, false).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    continue;
                }
                if (Answers.unusable(r) != null) continue;
                return Answers.records(r.message(), Names.toName(zone), Type.DNSKEY).stream()
                        .map(org.xbill.DNS.Record::rdataToString).toList();
            }
        }
        return List.of();
    }

    /** One round over every address. */
    public Sweep compareOnce(Collection<RRset> expected) throws InterruptedException {
        return sweep(ZoneAnswers.layout(zone, expected));
    }

    private Sweep sweep(ZoneAnswers.Layout layout) throws InterruptedException {
        Instant started = clock.instant();
        List<ZoneAnswers.Wanted> wanted = layout.wanted();
        try (DnsQueries dns = new DnsQueries(settings.queryTimeout(), settings.tries(), settings.maxInFlight())) {
            List<CompletableFuture<DnsQueries.Reply>> soas = new ArrayList<>();
            List<long[]> rtt = new ArrayList<>();
            for (NameServer ns : servers) {
                long[] took = {-1};
                long t0 = System.nanoTime();
                rtt.add(took);
                soas.add(dns.query(ns.address(), Names.toName(zone), Type.SOA, false)
                        .whenComplete((r, e) -> took[0] = System.nanoTime() - t0));
            }
            String limit = Rounds.awaitAll(soas, settings, 1 + servers.size() / settings.maxInFlight());
            List<Difference> whole = new ArrayList<>();
            List<List<CompletableFuture<Difference>>> replies = new ArrayList<>();
            List<CompletableFuture<Difference>> all = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                NameServer ns = servers.get(i);
                CompletableFuture<DnsQueries.Reply> f = soas.get(i);
                Difference w = ZoneAnswers.wholeAddress(ns, f.isDone() ? f.join() : new DnsQueries.Reply(null, "SOA: " + limit), zone);
                whole.add(w);
                List<CompletableFuture<Difference>> mine = new ArrayList<>();
                replies.add(mine);
                if (w != null) continue;
                // 10 x the SOA round trip, at least 250 ms: a lost datagram costs that, not the whole timeout.
                Duration firstTry = Duration.ofNanos(Math.max(FIRST_TRY_FLOOR.toNanos(), 10 * Math.max(0, rtt.get(i)[0])));
                for (ZoneAnswers.Wanted q : wanted) {
                    CompletableFuture<Difference> d = dns.sweepQuery(ns.address(), q.name(), q.type(), q.query(), firstTry)
                            .thenApply(r -> ZoneAnswers.classify(ns, q, r));
                    mine.add(d);
                    all.add(d);
                }
            }
            String sweepLimit = Rounds.awaitAll(all, settings, 2 + all.size() / settings.maxInFlight());
            List<AddressComparison> out = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                NameServer ns = servers.get(i);
                if (whole.get(i) != null) {
                    out.add(new AddressComparison(ns, List.of(whole.get(i))));
                    continue;
                }
                List<Difference> diffs = new ArrayList<>();
                List<CompletableFuture<Difference>> mine = replies.get(i);
                for (int j = 0; j < mine.size(); j++) {
                    CompletableFuture<Difference> f = mine.get(j);
                    Difference d = f.isDone() && !f.isCompletedExceptionally() ? f.join()
                            : ZoneAnswers.classify(ns, wanted.get(j), new DnsQueries.Reply(null, sweepLimit));
                    if (d != null) diffs.add(d);
                }
                out.add(new AddressComparison(ns, diffs));
            }
            return new Sweep(started, clock.instant(), out, wanted.size(), layout.occluded());
        }
    }
}
