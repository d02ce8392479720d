package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Type;

/**
 * Watches the delegation of a zone at its parent: every address of the parent zone's servers is asked,
 * with RD=0, for the zone's NS (the referral) and DS, and classified against the old and new NS sets
 * ({@link ParentView}). {@link #await} repeats rounds until every address refers to the wanted set in
 * {@code rounds} consecutive rounds, or the deadline passes (the registrar's change reaches a TLD's servers
 * in minutes to hours; DOMAIN.md).
 */
public final class DelegationProbe {

    /** Every parent address asked once. */
    public record Round(Instant startedAt, Instant finishedAt, List<ParentView> addresses) {
        public Round {
            addresses = List.copyOf(addresses);
        }

        /** Every address delegates to exactly {@code wanted} (with the glue it needs), and there is one. */
        public boolean delegatesEverywhereTo(Set<String> wanted) {
            return !addresses.isEmpty() && addresses.stream().allMatch(a -> a.delegatesTo(wanted));
        }

        public int delegatingTo(Set<String> wanted) {
            return (int) addresses.stream().filter(a -> a.delegatesTo(wanted)).count();
        }

        /** The largest NS TTL any address served for the delegation, or -1 when none served one. */
        public long largestNsTtl() {
            return addresses.stream().mapToLong(ParentView::nsTtl).max().orElse(-1);
        }

        /**
         * The DS as the parent serves it: PRESENT when any address serves one (with the largest TTL served),
         * ABSENT when every address answered that there is none, else UNKNOWN.
         */
        public ParentView.Ds ds() {
            long ttl = -1;
            Set<String> records = new TreeSet<>();
            boolean allAbsent = !addresses.isEmpty();
            List<String> unknown = new ArrayList<>();
            for (ParentView a : addresses) {
                ParentView.Ds d = a.ds();
                if (d.status() == ParentView.Ds.Status.PRESENT) {
                    ttl = Math.max(ttl, d.ttl());
                    records.addAll(d.records());
                }
                if (d.status() != ParentView.Ds.Status.ABSENT) allAbsent = false;
                if (d.status() == ParentView.Ds.Status.UNKNOWN) unknown.add(a.server().label() + " (" + d.detail() + ")");
            }
            if (ttl >= 0) return new ParentView.Ds(ParentView.Ds.Status.PRESENT, ttl, List.copyOf(records), "");
            if (allAbsent) return ParentView.Ds.absent();
            return ParentView.Ds.unknown("no usable DS answer from " + String.join(", ", unknown));
        }
    }

    /**
     * @param delegated        every address delegated to the wanted set in the required consecutive rounds
     * @param seenEverywhereAt when the first of those rounds finished (its last answer), or null
     * @param largestNsTtl     the largest NS TTL the parent served in the last round (-1 if none)
     */
    public record Outcome(boolean delegated, Instant seenEverywhereAt, Round last, long largestNsTtl, int rounds,
            String summary) {}

    private final String zone;
    private final List<NameServer> parents;
    private final AuthoritativeProbe.Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Random random = new Random();

    /** @param parents the parent zone's server addresses ({@link ParentDiscovery} or the plan's list) */
    public DelegationProbe(String zone, List<NameServer> parents, AuthoritativeProbe.Settings settings, Clock clock,
            Sleeper sleeper) {
        if (parents.isEmpty()) throw new IllegalArgumentException("no parent address to ask about " + zone);
        this.zone = Names.canonical(zone);
        this.parents = List.copyOf(parents);
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public List<NameServer> parents() {
        return parents;
    }

    /** One round: the NS referral and the DS from every parent address, classified against both sets. */
    public Round probeOnce(Collection<String> oldSet, Collection<String> newSet) throws InterruptedException {
        Set<String> olds = canonical(oldSet);
        Set<String> news = canonical(newSet);
        Instant started = clock.instant();
        try (DnsQueries dns = new DnsQueries(settings.queryTimeout(), settings.tries(), settings.maxInFlight())) {
            List<CompletableFuture<DnsQueries.Reply>> ns = new ArrayList<>();
            List<CompletableFuture<DnsQueries.Reply>> ds = new ArrayList<>();
            for (NameServer p : parents) {
                ns.add(dns.query(p.address(), Names.toName(zone), Type.NS, false));
                ds.add(dns.query(p.address(), Names.toName(zone), Type.DS, false));
            }
            List<CompletableFuture<DnsQueries.Reply>> all = new ArrayList<>(ns);
            all.addAll(ds);
            String limit = Rounds.awaitAll(all, settings, 2 + all.size() / settings.maxInFlight());
            List<ParentView> views = new ArrayList<>();
            for (int i = 0; i < parents.size(); i++) {
                views.add(ParentAnswers.classify(parents.get(i), zone, olds, news, done(ns.get(i), limit), done(ds.get(i), limit)));
            }
            return new Round(started, clock.instant(), views);
        }
    }

    /** Rounds until every parent address delegates to exactly {@code wanted}, or the deadline. */
    public Outcome await(Collection<String> wanted, Collection<String> oldSet, Collection<String> newSet,
            Instant deadline, PropagationCheck.Listener listener) throws InterruptedException {
        Set<String> want = canonical(wanted);
        Instant start = clock.instant();
        Rounds.Result<Round> r = Rounds.until(() -> probeOnce(oldSet, newSet), x -> x.delegatesEverywhereTo(want),
                Round::finishedAt, settings, deadline, clock, sleeper, random,
                x -> listener.progress(x.delegatingTo(want), x.addresses().size(), x.addresses().stream()
                        .filter(a -> !a.delegatesTo(want)).map(ParentView::describe).toList(),
                        Duration.between(start, clock.instant()), deadline));
        Round last = r.last();
        String summary;
        if (r.settled()) {
            summary = "all " + last.addresses().size() + " parent addresses delegate " + zone + " to " + String.join(", ", want)
                    + " (NS TTL " + last.largestNsTtl() + " s), seen everywhere at " + r.settledAt();
        } else {
            List<String> lagging = last.addresses().stream().filter(a -> !a.delegatesTo(want)).map(ParentView::describe)
                    .limit(5).toList();
            summary = last.delegatingTo(want) + "/" + last.addresses().size() + " parent addresses delegate " + zone + " to "
                    + String.join(", ", want) + " after " + r.rounds() + " round" + (r.rounds() == 1 ? "" : "s")
                    + (lagging.isEmpty() ? "" : "; not yet: " + String.join("; ", lagging));
        }
        return new Outcome(r.settled(), r.settledAt(), last, last.largestNsTtl(), r.rounds(), summary);
    }

    private static Set<String> canonical(Collection<String> names) {
        Set<String> out = new TreeSet<>();
        for (String n : names) out.add(Names.canonical(n));
        return out;
    }

    private static DnsQueries.Reply done(CompletableFuture<DnsQueries.Reply> f, String limit) {
        return f.isDone() && !f.isCompletedExceptionally() ? f.join() : new DnsQueries.Reply(null, limit);
    }
}
