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
            return new Settings(p.ignoreUnreachable(), p.interval(), p.queryTimeout(), p.tries(), p.rounds(), 256, 0.2);
        }

        public Settings withIgnoreUnreachable(boolean ignore) {
            return new Settings(ignore, interval, queryTimeout, tries, rounds, maxInFlight, jitter);
        }
    }

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
        Round last;
        // Bounded whatever the clock does (a fixed --now clock never reaches the deadline): no more rounds
        // than the shortest jittered interval fits between now and the deadline, plus the final one.
        long shortest = Math.max(1, (long) (settings.interval().toMillis() * (1 - settings.jitter())));
        long maxRounds = Math.max(settings.rounds(), Duration.between(start, deadline).toMillis() / shortest + 2);
        while (true) {
            last = probeOnce(expected);
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
                return outcome(true, streakStart, last, roundsRun, start, now);
            }
            Duration wait = jittered(settings.interval());
            Duration left = Duration.between(now, deadline);
            if (left.isNegative() || left.isZero() || roundsRun >= maxRounds) return outcome(false, null, last, roundsRun, start, now);
            // The last poll happens at the deadline itself rather than one interval short of it.
            sleeper.sleep(wait.compareTo(left) < 0 ? wait : left);
        }
    }

    private Duration jittered(Duration interval) {
        double f = 1 + settings.jitter() * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(interval.toMillis() * f)));
    }

    private Outcome outcome(boolean live, Instant confirmedAt, Round last, int rounds, Instant start, Instant now) {
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
            summary = "not live after " + Durations.human(Duration.between(start, now)) + " (" + rounds + " round"
                    + (rounds == 1 ? "" : "s") + "): " + last.inSync() + "/" + total + " addresses in sync"
                    + (who.isEmpty() ? "" : "; lagging: " + who + (more > 0 ? " and " + more + " more" : ""));
        }
        return new Outcome(live, live ? confirmedAt : null, summary, problems);
    }

    /**
     * One round: every address's SOA, then every expected RRset of its zone from each address that gave a
     * usable SOA answer (an address that is unreachable, refuses or is lame would say the same for each
     * RRset; asking again would only make the round slower by tries x timeout).
     */
    public Round probeOnce(List<Expectation> expected) throws InterruptedException {
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
        Instant started = clock.instant();
        List<CompletableFuture<AddressReport>> reports = new ArrayList<>();
        int queries = 0;
        try (DnsQueries dns = new DnsQueries(settings.queryTimeout(), settings.tries(), settings.maxInFlight())) {
            for (Map.Entry<String, List<Answers.Wanted>> z : byZone.entrySet()) {
                Name zone = Names.toName(z.getKey());
                for (NameServer ns : serversByZone.get(z.getKey())) {
                    queries += 1 + z.getValue().size();
                    reports.add(dns.query(ns.address(), zone, Type.SOA, false)
                            .thenCompose(reply -> address(dns, ns, z.getKey(), Answers.soa(reply, z.getKey()), z.getValue())));
                }
            }
            List<AddressReport> done = collect(reports, queries, byZone);
            return new Round(started, clock.instant(), withSerialLag(done));
        }
    }

    private static CompletableFuture<AddressReport> address(DnsQueries dns, NameServer ns, String zone, Answers.Soa soa,
            List<Answers.Wanted> wanted) {
        if (soa.state() != ServerState.MATCH) {
            List<RRsetState> skipped = wanted.stream()
                    .map(w -> new RRsetState(w.key(), soa.state(), null, soa.detail())).toList();
            return CompletableFuture.completedFuture(new AddressReport(ns, soa.serial(), null, soa.state(), soa.detail(), skipped));
        }
        List<CompletableFuture<RRsetState>> each = new ArrayList<>(wanted.size());
        for (Answers.Wanted w : wanted) {
            Name name = Names.toName(w.key().name());
            each.add(dns.query(ns.address(), name, Type.value(w.key().type()), false).thenApply(r -> Answers.rrset(r, w)));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<RRsetState> states = each.stream().map(CompletableFuture::join).toList();
            ServerState worst = ServerState.MATCH;
            String detail = "";
            for (RRsetState s : states) {
                if (s.state().ordinal() > worst.ordinal()) {
                    worst = s.state();
                    detail = s.detail();
                }
            }
            long notMatching = states.stream().filter(s -> s.state() != ServerState.MATCH).count();
            if (notMatching > 1) detail = detail + " (and " + (notMatching - 1) + " more RRset" + (notMatching == 2 ? "" : "s") + ")";
            return new AddressReport(ns, soa.serial(), null, worst, detail, states);
        });
    }

    /**
     * Waits for the round. Every query ends by itself (timeout x tries), so this bound is only a guard
     * against a bug leaving the command hanging; whatever is missing then counts as unreachable.
     */
    private List<AddressReport> collect(List<CompletableFuture<AddressReport>> reports, int queries,
            Map<String, List<Answers.Wanted>> byZone) throws InterruptedException {
        long perQuery = settings.queryTimeout().toMillis() * settings.tries();
        long bound = perQuery * (2 + queries / settings.maxInFlight()) + 10_000;
        CompletableFuture<Void> all = CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new));
        try {
            all.get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // fall through: take what finished
        }
        List<AddressReport> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, List<Answers.Wanted>> z : byZone.entrySet()) {
            for (NameServer ns : serversByZone.get(z.getKey())) {
                CompletableFuture<AddressReport> f = reports.get(i++);
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    out.add(f.join());
                } else {
                    String why = "no complete answer within the round's limit of " + bound + " ms";
                    out.add(new AddressReport(ns, -1, null, ServerState.UNREACHABLE, why, z.getValue().stream()
                            .map(w -> new RRsetState(w.key(), ServerState.UNREACHABLE, null, why)).toList()));
                }
            }
        }
        return out;
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
