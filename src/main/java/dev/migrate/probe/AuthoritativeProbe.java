package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Propagation;
import dev.migrate.support.Durations;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Name;
import org.xbill.DNS.Serial;
import org.xbill.DNS.Type;

/**
 * Confirms a change on every authoritative address of its zone, the way DOMAIN.md ("Checking propagation
 * well") says: each address asked directly with RD=0, the AA bit required, the SOA serial and every
 * expected RRset (data and TTL) compared, each address classified, and the change live only when every
 * address matches in {@code rounds} consecutive rounds, polled every {@code interval} with jitter until
 * the deadline.
 *
 * <p>Time comes from the injected {@link Clock} and waiting goes through the injected {@link Sleeper},
 * so a rehearsal on a virtual clock plays the polling without real waiting.
 */
public final class AuthoritativeProbe implements PropagationCheck {

    /**
     * The polling knobs (the plan's {@code propagation:} block).
     *
     * @param maxInFlight queries outstanding at once; more only queue
     * @param jitter      fraction of the interval added or taken at random, so that many watchers (and a
     *                    secondary's refresh timer) do not fall into step
     */
    public record Settings(boolean ignoreUnreachable, Duration interval, Duration queryTimeout, int tries, int rounds,
            int maxInFlight, double jitter) {
        public Settings {
            if (rounds < 1 || tries < 1 || maxInFlight < 1) throw new IllegalArgumentException("rounds, tries and maxInFlight must be >= 1");
            if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1)");
        }

        public static Settings of(Propagation p) {
            return new Settings(p.ignoreUnreachable(), p.interval(), p.queryTimeout(), p.tries(), p.rounds(), 100, 0.2);
        }

        public Settings withIgnoreUnreachable(boolean ignore) {
            return new Settings(ignore, interval, queryTimeout, tries, rounds, maxInFlight, jitter);
        }
    }

    private static final Duration FIRST_TRY_FLOOR = Duration.ofMillis(250);

    private final Map<String, List<NameServer>> serversByZone;
    private final Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Random random;

    public AuthoritativeProbe(Map<String, List<NameServer>> serversByZone, Settings settings, Clock clock, Sleeper sleeper) {
        this(serversByZone, settings, clock, sleeper, new Random());
    }

    AuthoritativeProbe(Map<String, List<NameServer>> serversByZone, Settings settings, Clock clock, Sleeper sleeper, Random random) {
        Map<String, List<NameServer>> m = new LinkedHashMap<>();
        serversByZone.forEach((z, list) -> m.put(Names.canonical(z), List.copyOf(list)));
        this.serversByZone = Map.copyOf(m);
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
    }

    /**
     * The probe for a plan: its {@code nameservers:} when listed, else each zone's NS RRset from
     * {@code live}, each name's addresses from in-zone glue in the snapshot or asked of the plan's
     * resolvers (see {@link NameserverDiscovery}).
     *
     * @throws ProbeException when a zone ends up with no address to ask
     */
    public static AuthoritativeProbe forPlan(Plan plan, Map<String, ZoneSnapshot> live, Clock clock, Sleeper sleeper)
            throws ProbeException {
        Map<String, List<NameServer>> servers = NameserverDiscovery.discover(plan, live);
        return new AuthoritativeProbe(servers, Settings.of(plan.propagation()), clock, sleeper);
    }

    /** The same probe with the unreachable policy of one phase ({@code PhaseSpec.unreachable}: fail or ignore). */
    public AuthoritativeProbe withUnreachable(String policy) {
        if (policy == null) return this;
        return new AuthoritativeProbe(serversByZone, settings.withIgnoreUnreachable("ignore".equals(policy)), clock,
                sleeper, random);
    }

    public Settings settings() {
        return settings;
    }

    /** Every address polled, zone by zone. */
    public Map<String, List<NameServer>> servers() {
        return serversByZone;
    }

    @Override
    public Outcome await(List<Expectation> expected, Instant deadline, Listener listener) throws InterruptedException {
        Instant start = clock.instant();
        Instant streakStart = null;
        int streak = 0;
        int roundsRun = 0;
        Map<String, List<Answers.Wanted>> wanted = wanted(expected);
        Round last;
        // Bounded whatever the clock does (a fixed --now clock never reaches the deadline): no more rounds
        // than the shortest jittered interval fits between now and the deadline, plus the final one.
        long shortest = Math.max(1, (long) (settings.interval().toMillis() * (1 - settings.jitter())));
        long maxRounds = Math.max(settings.rounds(), Duration.between(start, deadline).toMillis() / shortest + 2);
        while (true) {
            last = probeOnce(wanted);
            roundsRun++;
            if (last.settled(settings.ignoreUnreachable())) {
                // The first round of the streak is when every address was last seen serving the change: from
                // its end on, a resolver fetching from any address gets the new data (or new TTL).
                if (streak++ == 0) streakStart = last.finishedAt();
            } else {
                streak = 0;
                streakStart = null;
            }
            Instant now = clock.instant();
            listener.progress(last.inSync(), last.addresses().size(),
                    last.laggards().stream().map(AddressReport::describe).toList(), Duration.between(start, now), deadline);
            if (streak >= settings.rounds()) {
                return outcome(true, streakStart, last, roundsRun, start, now, deadline);
            }
            Duration wait = jittered(settings.interval());
            Duration left = Duration.between(now, deadline);
            if (left.isNegative() || left.isZero() || roundsRun >= maxRounds) return outcome(false, null, last, roundsRun, start, now, deadline);
            // The last poll happens at the deadline itself rather than one interval short of it.
            sleeper.sleep(wait.compareTo(left) < 0 ? wait : left);
        }
    }

    private Duration jittered(Duration interval) {
        double f = 1 + settings.jitter() * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(interval.toMillis() * f)));
    }

    private Outcome outcome(boolean live, Instant confirmedAt, Round last, int rounds, Instant start, Instant now,
            Instant deadline) {
        int total = last.addresses().size();
        List<String> problems = new ArrayList<>();
        for (AddressReport a : last.laggards()) problems.add(a.describe());
        String summary;
        if (live) {
            long excused = last.addresses().stream().filter(a -> !a.matches()).count();
            summary = "live: " + last.inSync() + "/" + total + " authoritative addresses serve the change in "
                    + settings.rounds() + " consecutive round" + (settings.rounds() == 1 ? "" : "s") + ", confirmed at "
                    + confirmedAt + (excused > 0 ? "; " + excused + " unreachable address" + (excused == 1 ? "" : "es")
                    + " ignored (unreachable: ignore)" : "");
        } else {
            String who = last.laggards().stream().map(a -> a.server().label() + " (" + a.state().word() + ")")
                    .limit(5).reduce((a, b) -> a + ", " + b).orElse("");
            long more = last.laggards().size() - Math.min(5, last.laggards().size());
            summary = "not live by the deadline " + deadline + " (" + rounds + " round" + (rounds == 1 ? "" : "s")
                    + " over " + Durations.human(Duration.between(start, now)) + "): " + last.inSync() + "/" + total
                    + " addresses in sync"
                    + (who.isEmpty() ? "" : "; lagging: " + who + (more > 0 ? " and " + more + " more" : ""));
        }
        return new Outcome(live, live ? confirmedAt : null, summary, problems,
                last.addresses().stream().map(SoaSeen::of).toList());
    }

    @Override
    public List<SoaSeen> serials() throws InterruptedException {
        return probeOnce(List.of()).addresses().stream().map(SoaSeen::of).toList();
    }

    /**
     * One round: every address's SOA, then every expected RRset of its zone from each address that gave a
     * usable SOA answer (an address that is unreachable, refuses or is lame would say the same for each
     * RRset; asking again would only make the round slower by tries x timeout).
     */
    public Round probeOnce(List<Expectation> expected) throws InterruptedException {
        Prepared p = prepared;
        if (p == null || !p.expected().equals(expected)) { // a plain comparison costs far less than parsing
            p = new Prepared(List.copyOf(expected), wanted(expected));
            prepared = p;
        }
        return probeOnce(p.byZone());
    }

    /** The parsed form of the last list asked about: `migrate check --watch` asks the same list each round. */
    private record Prepared(List<Expectation> expected, Map<String, List<Answers.Wanted>> byZone) {}

    private volatile Prepared prepared;

    private Map<String, List<Answers.Wanted>> wanted(List<Expectation> expected) {
        Map<String, List<Answers.Wanted>> byZone = new LinkedHashMap<>();
        for (Expectation e : expected) {
            String z = Names.canonical(e.zone());
            if (!serversByZone.containsKey(z)) {
                throw new IllegalArgumentException("no authoritative addresses known for zone " + z + " (zones: "
                        + serversByZone.keySet() + ")");
            }
            byZone.computeIfAbsent(z, k -> new ArrayList<>()).add(Answers.Wanted.of(e));
        }
        if (byZone.isEmpty()) serversByZone.keySet().forEach(z -> byZone.put(z, List.of()));
        return byZone;
    }

    private Round probeOnce(Map<String, List<Answers.Wanted>> byZone) throws InterruptedException {
        Instant started = clock.instant();
        try (DnsQueries dns = new DnsQueries(settings.queryTimeout(), settings.tries(), settings.maxInFlight())) {
            // First every address's SOA, through a connected socket so a closed port is known at once.
            List<NameServer> order = new ArrayList<>();
            List<CompletableFuture<DnsQueries.Reply>> soas = new ArrayList<>();
            List<long[]> rtt = new ArrayList<>(); // nanoseconds each SOA answer took
            for (String z : byZone.keySet()) {
                for (NameServer ns : serversByZone.get(z)) {
                    order.add(ns);
                    long[] took = {-1};
                    long t0 = System.nanoTime();
                    rtt.add(took);
                    soas.add(dns.query(ns.address(), Names.toName(z), Type.SOA, false)
                            .whenComplete((r, e) -> took[0] = System.nanoTime() - t0));
                }
            }
            await(soas, 1 + order.size() / settings.maxInFlight());
            List<Answers.Soa> soa = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                CompletableFuture<DnsQueries.Reply> f = soas.get(i);
                soa.add(f.isDone() ? Answers.soa(f.join(), order.get(i).zone())
                        : new Answers.Soa(ServerState.UNREACHABLE, "SOA: no answer within the round's limit", -1));
            }
            // Then the RRsets, address by address (all of the first address's, then the next's): with at most
            // maxInFlight outstanding, one server at a time sees what dnsperf's default gives it (100 queries
            // outstanding), and on a small machine the servers do not all compete for the CPU at once
            // (measured: 2,000 x 4 sweeps ~30 % faster than interleaving; bench/README.md).
            List<List<CompletableFuture<RRsetState>>> replies = new ArrayList<>();
            int most = 0;
            for (int i = 0; i < order.size(); i++) {
                replies.add(new ArrayList<>());
                most = Math.max(most, byZone.get(order.get(i).zone()).size());
            }
            List<Duration> firstTry = new ArrayList<>();
            for (long[] took : rtt) {
                // 10 x the SOA round trip, at least 250 ms: a lost datagram costs that, not the whole timeout.
                firstTry.add(Duration.ofNanos(Math.max(FIRST_TRY_FLOOR.toNanos(), 10 * Math.max(0, took[0]))));
            }
            int queries = 0;
            for (int i = 0; i < order.size(); i++) {
                for (int j = 0; j < most; j++) {
                    List<Answers.Wanted> wanted = byZone.get(order.get(i).zone());
                    if (j >= wanted.size() || soa.get(i).state() != ServerState.MATCH) continue;
                    Answers.Wanted w = wanted.get(j);
                    // Classified as each answer arrives, while the rest are still in flight.
                    replies.get(i).add(dns.sweepQuery(order.get(i).address(), w.name(), w.type(), w.query(), firstTry.get(i))
                            .thenApply(r -> Answers.rrset(r, w)));
                    queries++;
                }
            }
            List<CompletableFuture<RRsetState>> all = new ArrayList<>(queries);
            replies.forEach(all::addAll);
            String limit = await(all, 2 + queries / settings.maxInFlight());
            List<AddressReport> done = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                done.add(address(order.get(i), soa.get(i), byZone.get(order.get(i).zone()), replies.get(i), limit));
            }
            return new Round(started, clock.instant(), withSerialLag(done));
        }
    }

    /**
     * Waits for queries. Every query ends by itself (timeout x tries), so this bound only guards against a
     * bug leaving the command hanging; returns the reason to give for whatever did not finish.
     */
    private String await(List<? extends CompletableFuture<?>> fs, long waves) throws InterruptedException {
        long bound = settings.queryTimeout().toMillis() * settings.tries() * waves + 10_000;
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // take what finished
        }
        return "no answer within the round's limit of " + bound + " ms";
    }

    private static AddressReport address(NameServer ns, Answers.Soa soa, List<Answers.Wanted> wanted,
            List<CompletableFuture<RRsetState>> replies, String limit) {
        if (soa.state() != ServerState.MATCH) {
            // Unreachable, refused or lame for the SOA: it would say the same for each RRset.
            List<RRsetState> skipped = wanted.stream()
                    .map(w -> new RRsetState(w.key(), soa.state(), null, soa.detail())).toList();
            return new AddressReport(ns, soa.serial(), null, soa.state(), soa.detail(), skipped);
        }
        List<RRsetState> states = new ArrayList<>(wanted.size());
        ServerState worst = ServerState.MATCH;
        String detail = "";
        long notMatching = 0;
        for (int j = 0; j < wanted.size(); j++) {
            CompletableFuture<RRsetState> f = replies.get(j);
            RRsetState s = f.isDone() && !f.isCompletedExceptionally() ? f.join()
                    : Answers.rrset(new DnsQueries.Reply(null, limit), wanted.get(j));
            states.add(s);
            if (s.state() != ServerState.MATCH) notMatching++;
            if (s.state().ordinal() > worst.ordinal()) {
                worst = s.state();
                detail = s.detail();
            }
        }
        if (notMatching > 1) detail = detail + " (and " + (notMatching - 1) + " more RRset" + (notMatching == 2 ? "" : "s") + ")";
        return new AddressReport(ns, soa.serial(), null, worst, detail, states);
    }

    /** Marks addresses whose serial is behind the zone's highest (RFC 1982 arithmetic, DOMAIN.md: never plain {@code <}). */
    static List<AddressReport> withSerialLag(List<AddressReport> reports) {
        Map<String, Long> highest = new HashMap<>();
        for (AddressReport a : reports) {
            if (a.serial() < 0) continue;
            highest.merge(a.server().zone(), a.serial(), (x, y) -> Serial.compare(y, x) > 0 ? y : x);
        }
        List<AddressReport> out = new ArrayList<>(reports.size());
        for (AddressReport a : reports) {
            Long top = highest.get(a.server().zone());
            if (a.serial() >= 0 && top != null && Serial.compare(a.serial(), top) < 0) {
                out.add(new AddressReport(a.server(), a.serial(), top, a.state(), a.detail(), a.rrsets()));
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
