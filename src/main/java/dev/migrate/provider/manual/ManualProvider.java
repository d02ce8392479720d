package dev.migrate.provider.manual;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.support.Durations;
import dev.migrate.support.Sleeper;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.xbill.DNS.Serial;

/**
 * DNS that someone else edits: a hosting company's panel, another team. The tool holds no credentials and
 * writes nothing; it reads, tells, and watches.
 *
 * <p><b>Reading.</b> From the zone's authoritative servers, each address asked for its SOA and the one with
 * the newest serial (RFC 1982 comparison) read: the whole zone by AXFR where it allows an unsigned transfer,
 * else RD=0 queries for the SOA, the apex NS and the RRsets named to it, as the rfc2136 provider's
 * {@code read: query} does. Without a transfer a zone cannot be listed, and {@link #read(String)} refuses
 * rather than return a partial zone (absent RRsets would look deleted).
 *
 * <p><b>Applying.</b> A batch is first compared with what the servers serve: already in its after-image
 * everywhere, it is done; an RRset in neither image was changed by someone else, a conflict. Otherwise the
 * operator is told exactly what to set (name, type, TTL, every record) through the operator channel, and
 * the tool waits, like confirm, until every authoritative address serves every after-image in two
 * consecutive rounds (DOMAIN.md), polling every {@code interval} up to {@code timeout} on the monotonic
 * clock (a fixed {@code --now} does not stop it). At the deadline an RRset served as something else than
 * either image is a {@link Kind#CONFLICT} naming it and what was served; otherwise the change was not made
 * in time, {@link Kind#NOT_DONE}, which is not retried (that would ask again and wait as long again).
 * Rollback goes through the same path: the instructions then say what to put back.
 */
public final class ManualProvider implements DnsProvider {
    /** A person edits records one by one: nothing is atomic, and nothing is refused by the server. */
    static final Capabilities CAPABILITIES = new Capabilities(false, false, 0, RRset.MAX_TTL, Set.of(), true, 10_000);
    /** Rounds every address must match in a row (DOMAIN.md: 2). */
    static final int ROUNDS = 2;

    private final ManualSettings settings;
    private final AuthoritativeServers servers;
    private final Consumer<String> operator;
    private final Sleeper sleeper;
    /** Per zone, every RRset named to a read or written, so that later reads without a transfer ask them too. */
    private final Map<String, Set<RRsetKey>> named = new ConcurrentHashMap<>();

    ManualProvider(ManualSettings settings, Consumer<String> operator, Sleeper sleeper) {
        this.settings = settings;
        this.servers = new AuthoritativeServers(settings);
        this.operator = operator;
        this.sleeper = sleeper;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String describe() {
        return "manual (edited by hand; read from " + (settings.nameservers().isEmpty() ? "the zone's nameservers"
                : String.join(", ", settings.nameservers().stream().map(ManualSettings::show).toList())) + ")";
    }

    @Override
    public ZoneSnapshot read(String zone) throws ProviderException {
        return read(zone, List.of());
    }

    @Override
    public ZoneSnapshot read(String zone, Collection<RRsetKey> wanted) throws ProviderException {
        String z = Names.canonical(zone);
        for (RRsetKey k : wanted) {
            if (!Names.inZone(k.name(), z)) throw new ProviderException(Kind.INVALID, k + " is not inside zone " + z);
        }
        InetSocketAddress from = freshest(z);
        ZoneSnapshot all = servers.transfer(from, z);
        if (all != null) return all;
        Set<RRsetKey> keys = named.computeIfAbsent(z, x -> ConcurrentHashMap.newKeySet());
        keys.addAll(wanted);
        if (keys.isEmpty()) {
            throw new ProviderException(Kind.INVALID, "provider manual: " + ManualSettings.show(from) + " does not allow"
                    + " a zone transfer of " + z + ", so the zone cannot be listed, only the RRsets a plan names: rewrite"
                    + " rules need the whole zone (ask the DNS host to allow AXFR from this machine, or write the changes"
                    + " out under 'changes')");
        }
        Set<RRsetKey> ask = new TreeSet<>(keys);
        ask.add(new RRsetKey(z, "SOA"));
        ask.add(new RRsetKey(z, "NS"));
        List<RRset> out = new ArrayList<>();
        for (RRsetKey k : ask) {
            AuthoritativeServers.Served s = servers.served(from, z, k);
            if (!s.usable()) {
                throw new ProviderException(Kind.UNREACHABLE, "provider manual: " + ManualSettings.show(from) + " for "
                        + k + ": " + s.problem());
            }
            if (s.rrset() != null) out.add(s.rrset());
        }
        return new ZoneSnapshot(z, out);
    }

    /** The address with the newest SOA serial (the first listed among equals): what "the provider holds". */
    private InetSocketAddress freshest(String zone) throws ProviderException {
        InetSocketAddress best = null;
        long bestSerial = -1;
        List<String> problems = new ArrayList<>();
        for (InetSocketAddress a : servers.addresses(zone)) {
            long serial = servers.serial(a, zone);
            if (serial < 0) {
                problems.add(ManualSettings.show(a));
                continue;
            }
            if (best == null || Serial.compare(serial, bestSerial) > 0) {
                best = a;
                bestSerial = serial;
            }
        }
        if (best == null) {
            throw new ProviderException(Kind.UNREACHABLE, "provider manual: no authoritative address answers for " + zone
                    + " (" + String.join(", ", problems) + "): check nameservers:");
        }
        return best;
    }

    @Override
    public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
        String z = Names.canonical(zone);
        List<RRsetChange> changes = new ArrayList<>();
        for (RRsetChange c : batch) {
            if (!c.zone().equals(z) || !Names.inZone(c.key().name(), z)) {
                throw new ProviderException(Kind.INVALID, c.key() + " is not inside zone " + z);
            }
            if (c.kind() != RRsetChange.Kind.NONE) changes.add(c);
        }
        if (changes.isEmpty()) return;
        named.computeIfAbsent(z, x -> ConcurrentHashMap.newKeySet()).addAll(changes.stream().map(RRsetChange::key).toList());
        List<InetSocketAddress> addresses = servers.addresses(z);

        // Where things stand before asking anyone to do anything.
        Round first = round(z, addresses, changes);
        if (first.allAfter()) return; // already done (an earlier run's instructions, or the same edit by someone else)
        if (!first.others().isEmpty()) throw conflict(z, first.others(), "before anything was asked");
        operator.accept(Instructions.ask(z, changes, first.freshest(), addresses.stream().map(ManualSettings::show).toList(),
                settings.timeout(), settings.interval()));

        long start = System.nanoTime();
        long deadline = start + settings.timeout().toNanos();
        int streak = 0;
        String lastProgress = null;
        Round r = first;
        // Bounded whatever the clocks do: at most one round per interval until the deadline, plus the last one.
        long maxRounds = settings.timeout().toMillis() / Math.max(1, settings.interval().toMillis()) + 2;
        for (long n = 0; n < maxRounds; n++) {
            if (System.nanoTime() - deadline >= 0) break;
            try {
                sleeper.sleep(settings.interval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException(Kind.NOT_DONE, "interrupted while waiting for the manual change in " + z);
            }
            r = round(z, addresses, changes);
            if (r.allAfter()) {
                if (++streak >= ROUNDS) {
                    operator.accept("manual: " + z + ": every authoritative address (" + addresses.size() + ") serves the"
                            + " change, seen in " + ROUNDS + " rounds in a row, after "
                            + Durations.human(Duration.ofNanos(System.nanoTime() - start)));
                    return;
                }
                continue;
            }
            streak = 0;
            String progress = Instructions.progress(z, r.inSync(), addresses.size(), r.lagging());
            if (!progress.equals(lastProgress)) operator.accept(progress);
            lastProgress = progress;
        }
        if (!r.others().isEmpty()) throw conflict(z, r.others(), "at the deadline");
        throw new ProviderException(Kind.NOT_DONE, "the manual change in zone " + z + " was not served by every"
                + " authoritative address within " + Durations.human(settings.timeout()) + " (provider timeout): "
                + r.inSync() + "/" + addresses.size() + " addresses serve it; "
                + String.join("; ", r.lagging().subList(0, Math.min(5, r.lagging().size()))));
    }

    private static ProviderException conflict(String zone, Map<RRsetKey, String> others, String when) {
        return new ProviderException(Kind.CONFLICT, (others.size() == 1 ? "1 RRset is" : others.size() + " RRsets are")
                + " served " + when + " as neither the records before the change nor the ones asked for, in zone " + zone
                + ": someone set other data: " + String.join("; ", others.values())
                + ". The tool changed nothing (with the manual provider it never writes)", List.copyOf(others.keySet()), null);
    }

    /** Every address asked for every RRset of the batch, once. */
    private Round round(String zone, List<InetSocketAddress> addresses, List<RRsetChange> changes) {
        Map<RRsetKey, RRset> freshest = new LinkedHashMap<>();
        long freshestSerial = -1;
        int inSync = 0;
        List<String> lagging = new ArrayList<>();
        Map<RRsetKey, String> others = new LinkedHashMap<>();
        for (InetSocketAddress a : addresses) {
            String where = ManualSettings.show(a);
            long serial = servers.serial(a, zone);
            Map<RRsetKey, RRset> seen = new LinkedHashMap<>();
            String problem = serial < 0 ? "no usable SOA answer" : null;
            String behind = null;
            for (RRsetChange c : changes) {
                if (problem != null) break;
                AuthoritativeServers.Served s = servers.served(a, zone, c.key());
                if (!s.usable()) {
                    problem = s.problem();
                    break;
                }
                seen.put(c.key(), s.rrset());
                if (Objects.equals(s.rrset(), c.after())) continue;
                if (behind == null) behind = c.key() + " is " + (s.rrset() == null ? "absent" : Instructions.show(s.rrset()));
                if (!Objects.equals(s.rrset(), c.before())) {
                    others.putIfAbsent(c.key(), where + " serves " + c.key() + " as " + (s.rrset() == null ? "absent"
                            : Instructions.show(s.rrset())) + ", expected " + (c.after() == null ? "absent"
                            : Instructions.show(c.after())) + " (before: " + (c.before() == null ? "absent"
                            : Instructions.show(c.before())) + ")");
                }
            }
            if (problem != null) {
                lagging.add(where + " " + problem);
            } else if (behind != null) {
                lagging.add(where + ": " + behind);
            } else {
                inSync++;
            }
            if (problem == null && (freshestSerial < 0 || Serial.compare(serial, freshestSerial) > 0)) {
                freshest = seen;
                freshestSerial = serial;
            }
        }
        return new Round(inSync, addresses.size(), lagging, others, freshest);
    }

    /**
     * @param others    RRsets some address serves as neither image, in the operator's words
     * @param freshest  what the address with the newest serial serves, by RRset
     */
    private record Round(int inSync, int total, List<String> lagging, Map<RRsetKey, String> others,
            Map<RRsetKey, RRset> freshest) {
        boolean allAfter() {
            return inSync == total;
        }
    }
}
