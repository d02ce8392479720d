package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.rfc2136.Rfc2136Settings.ReadMode;
import dev.migrate.support.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * A zone on a primary nameserver that takes RFC 2136 dynamic updates (BIND, Knot, PowerDNS, Windows).
 *
 * <p><b>Reading.</b> {@code read: axfr} transfers the whole zone over TCP (signed with the key when one
 * is set). {@code read: query} is for servers that refuse transfers: it asks the primary directly
 * (RD=0, AA required) for the SOA, the apex NS and the RRsets named through {@link #readNames}; since it
 * cannot list a zone, {@link #read} then returns only those RRsets, and refuses (with a clear error)
 * when nothing has been named for the zone yet: a silently partial zone would make absent RRsets look
 * deleted. Rewrite rules, which scan the whole zone, need {@code read: axfr}. A wildcard answers a query
 * for a name that has no data of its own as if it had: query mode cannot tell the two apart.
 *
 * <p><b>Writing.</b> Each batch is read first (the server's prerequisites compare record data only,
 * RFC 2136 §2.4.2, so a TTL someone else changed is caught here), then sent as one UPDATE message whose
 * prerequisites are the before-images, so it lands whole or not at all (§3.7) and never over someone
 * else's change. A batch too large for one message (64 KiB) goes in several, in order; then each message
 * is atomic on its own, and a failure names how many were applied. Afterwards the RRsets are read back:
 * a server may accept an update and ignore part of it (a CNAME beside other data, RFC 2136 §3.4.2), and
 * that must not pass for success. The SOA serial is left to the server, which bumps it on every update.
 *
 * <p><b>Failures.</b> Timeouts, refused connections and SERVFAIL are retried a bounded number of times
 * with growing pauses; refusals, authentication failures and conflicts are not. A conflict names the
 * RRsets that differ. Secrets appear nowhere but in the TSIG computation.
 */
public final class Rfc2136Provider implements DnsProvider {
    /**
     * Most RRsets per batch. Each batch is one journal entry and, when it fits, one atomic message: 500
     * simple RRsets fit one 64 KiB message with room to spare; larger data is split by size.
     */
    static final int MAX_BATCH = 500;
    static final Capabilities CAPABILITIES =
            new Capabilities(true, true, 0, RRset.MAX_TTL, Set.of(), true, MAX_BATCH);
    static final int ATTEMPTS = 3;
    static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    private final Rfc2136Settings settings;
    private final DnsClient client;
    private final Sleeper sleeper;
    /** Query mode: per zone, every RRset named through readNames or written, so read() can re-ask them. */
    private final Map<String, Set<RRsetKey>> named = new ConcurrentHashMap<>();
    private final AtomicLong updatesSent = new AtomicLong();
    /** AXFR mode: the last transfer of each zone, reused for apply's check while the serial stays put. */
    private final Map<String, ZoneSnapshot> lastTransfer = new ConcurrentHashMap<>();

    Rfc2136Provider(Rfc2136Settings settings, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings);
        this.client = new DnsClient(settings.server(), settings.tsig(), settings.timeout(), settings.transferTimeout());
        this.sleeper = Objects.requireNonNull(sleeper);
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String describe() {
        return "rfc2136 " + client.server() + (settings.tsig() == null ? " unsigned" : " key " + settings.tsig())
                + ", read " + settings.read().name().toLowerCase(Locale.ROOT);
    }

    /** UPDATE messages sent so far (each attempt counts), for the benchmark and the curious. */
    public long updateMessagesSent() {
        return updatesSent.get();
    }

    @Override
    public ZoneSnapshot read(String zone) throws ProviderException {
        String z = Names.canonical(zone);
        if (settings.read() == ReadMode.AXFR) return transfer(z);
        Set<RRsetKey> keys = named.get(z);
        if (keys == null || keys.isEmpty()) {
            throw new ProviderException(Kind.INVALID, "provider rfc2136 with read: query cannot list zone " + z
                    + ": it reads only the RRsets it is asked about, and none were named; use read: axfr"
                    + " (rewrite rules need it), or allow transfers with the key");
        }
        return queryAll(z, keys);
    }

    /**
     * The zone's SOA, its apex NS and the given RRsets (those that exist), read fresh. In query mode the
     * keys are remembered so that later {@link #read} calls return them too.
     */
    @Override
    public ZoneSnapshot read(String zone, Collection<RRsetKey> wanted) throws ProviderException {
        // With AXFR the whole zone is as cheap as a part of it, and rewrite rules need all of it.
        if (settings.read() == ReadMode.AXFR) return read(zone);
        return readNames(zone, wanted);
    }

    public ZoneSnapshot readNames(String zone, Collection<RRsetKey> keys) throws ProviderException {
        String z = Names.canonical(zone);
        checkInZone(z, keys);
        if (settings.read() == ReadMode.AXFR) {
            ZoneSnapshot all = transfer(z);
            List<RRset> out = new ArrayList<>();
            for (RRsetKey k : withApex(z, keys)) {
                RRset s = all.get(k);
                if (s != null) out.add(s);
            }
            return new ZoneSnapshot(z, out);
        }
        named.computeIfAbsent(z, x -> ConcurrentHashMap.newKeySet()).addAll(keys);
        return queryAll(z, keys);
    }

    @Override
    public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
        String z = Names.canonical(zone);
        List<RRsetChange> changes = new ArrayList<>();
        for (RRsetChange c : batch) {
            if (!c.zone().equals(z)) {
                throw new ProviderException(Kind.INVALID, "change for " + c.key() + " belongs to zone " + c.zone()
                        + ", not " + z);
            }
            if (c.key().type().equals("SOA")) {
                throw new ProviderException(Kind.INVALID, c.key() + ": migrate does not write the SOA over RFC 2136;"
                        + " the server owns it and bumps its serial on every update");
            }
            if (c.kind() != RRsetChange.Kind.NONE) changes.add(c);
        }
        checkInZone(z, changes.stream().map(RRsetChange::key).toList());
        if (changes.isEmpty()) return;
        if (settings.read() == ReadMode.QUERY) {
            named.computeIfAbsent(z, x -> ConcurrentHashMap.newKeySet())
                    .addAll(changes.stream().map(RRsetChange::key).toList());
        }

        // Compare-and-set, part one: the full before-image, TTL included, against what is live now.
        Map<RRsetKey, RRset> live = readKeys(z, changes, true);
        List<RRsetChange> todo = new ArrayList<>();
        List<RRsetKey> conflicts = new ArrayList<>();
        for (RRsetChange c : changes) {
            RRset now = live.get(c.key());
            if (Objects.equals(now, c.before())) {
                todo.add(c);
            } else if (!Objects.equals(now, c.after())) {
                conflicts.add(c.key());
            }
            // Already in its after-image (an earlier attempt whose answer was lost, or the same edit made by
            // someone else): nothing to write.
        }
        if (!conflicts.isEmpty()) throw conflict(z, conflicts, live, changes, 0);
        if (todo.isEmpty()) return;

        int budget = UpdateMessages.MAX_MESSAGE - tsigLength();
        List<UpdateMessages.Part> parts;
        try {
            parts = UpdateMessages.split(z, todo, budget);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(Kind.INVALID, e.getMessage());
        }
        for (int i = 0; i < parts.size(); i++) send(z, parts.get(i), i);

        // A server may accept an update and skip part of it without an error (RFC 2136 §3.4.2): check.
        Map<RRsetKey, RRset> after = readKeys(z, todo, false);
        List<String> ignored = new ArrayList<>();
        for (RRsetChange c : todo) {
            RRset now = after.get(c.key());
            if (!Objects.equals(now, c.after())) {
                ignored.add(c.key() + " reads back as " + (now == null ? "absent" : now) + ", expected "
                        + (c.after() == null ? "absent" : c.after()));
            }
        }
        if (!ignored.isEmpty()) {
            throw new ProviderException(Kind.INVALID, client.server() + " accepted the update of zone " + z
                    + " but did not apply all of it (the server may refuse such data silently, e.g. a CNAME"
                    + " beside other data): " + String.join("; ", ignored));
        }
    }

    private void send(String zone, UpdateMessages.Part part, int index) throws ProviderException {
        Failures f = client.failures(zone, "UPDATE");
        Message response = retrying(() -> {
            updatesSent.incrementAndGet();
            Message r = client.exchange(part.message().clone(), true, f);
            ProviderException p = f.forRcode(r.getRcode());
            // Retry transient rcodes (SERVFAIL) here; conflicts and refusals go to the caller.
            if (p != null && p.kind().isTransient()) throw p;
            return r;
        });
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR) return;
        ProviderException p = f.forRcode(rcode);
        if (p.kind() != Kind.CONFLICT) throw applied(p, index);
        // The server says some prerequisite failed but not which: read again and compare.
        Map<RRsetKey, RRset> live = readKeys(zone, part.changes(), false);
        if (part.changes().stream().allMatch(c -> Objects.equals(live.get(c.key()), c.after()))) {
            return; // a retry of a message whose first answer was lost: it had been applied
        }
        List<RRsetKey> differ = new ArrayList<>();
        for (RRsetChange c : part.changes()) {
            if (!Objects.equals(live.get(c.key()), c.before())) differ.add(c.key());
        }
        if (differ.isEmpty()) differ = part.changes().stream().map(RRsetChange::key).toList();
        throw conflict(zone, differ, live, part.changes(), index);
    }

    private ProviderException conflict(String zone, List<RRsetKey> keys, Map<RRsetKey, RRset> live,
            List<RRsetChange> changes, int messagesApplied) {
        Map<RRsetKey, RRsetChange> byKey = changes.stream().collect(Collectors.toMap(RRsetChange::key, c -> c, (a, b) -> a));
        List<String> lines = new ArrayList<>();
        for (RRsetKey k : keys) {
            RRsetChange c = byKey.get(k);
            RRset now = live.get(k);
            lines.add(k + " is " + (now == null ? "absent" : "now " + now) + ", expected "
                    + (c == null || c.before() == null ? "absent" : c.before()));
        }
        String head = keys.size() == 1 ? "1 RRset was" : keys.size() + " RRsets were";
        return new ProviderException(Kind.CONFLICT, head + " changed by someone else in zone " + zone + " on "
                + client.server() + " since it was read; nothing in this update was written"
                + (messagesApplied > 0 ? " (the " + messagesApplied + " earlier message(s) of this batch were)" : "")
                + ": " + String.join("; ", lines), keys, null);
    }

    private static ProviderException applied(ProviderException p, int messagesApplied) {
        if (messagesApplied == 0) return p;
        return new ProviderException(p.kind(), p.getMessage() + " (the " + messagesApplied
                + " earlier message(s) of this batch were applied)", p.conflicts(), p);
    }

    private int tsigLength() {
        // A TSIG record: owner (key name), fixed fields, algorithm name, MAC (at most 64 bytes for SHA-512).
        return settings.tsig() == null ? 0 : settings.tsig().toTsig().recordLength() + 64;
    }

    /**
     * Live RRsets for the changes' keys (absent keys map to nothing). With {@code reuse}, an earlier
     * transfer stands in for a new one when the zone's SOA serial has not moved since: RFC 2136 §3.6
     * has the server increment the serial with every change, and this check only saves a transfer of
     * the whole zone per batch; the server's prerequisites still guard the data itself.
     */
    private Map<RRsetKey, RRset> readKeys(String zone, List<RRsetChange> changes, boolean reuse) throws ProviderException {
        List<RRsetKey> keys = changes.stream().map(RRsetChange::key).toList();
        Map<RRsetKey, RRset> out = new TreeMap<>();
        if (settings.read() == ReadMode.AXFR) {
            ZoneSnapshot all = reuse ? unchangedTransfer(zone) : null;
            if (all == null) all = transfer(zone);
            for (RRsetKey k : keys) {
                RRset s = all.get(k);
                if (s != null) out.put(k, s);
            }
        } else {
            for (RRsetKey k : keys) {
                RRset s = queryOne(zone, k);
                if (s != null) out.put(k, s);
            }
        }
        return out;
    }

    private ZoneSnapshot transfer(String zone) throws ProviderException {
        Name origin = Names.toName(zone);
        List<Record> records = retrying(() -> client.axfr(origin));
        ZoneSnapshot snap = toSnapshot(zone, records);
        if (snap.soa() == null) {
            throw new ProviderException(Kind.SERVER, client.server() + ": the transfer of zone " + zone
                    + " has no SOA at the apex");
        }
        lastTransfer.put(zone, snap);
        return snap;
    }

    /** The last transfer of the zone if the server's serial still equals its serial, else null. */
    private ZoneSnapshot unchangedTransfer(String zone) throws ProviderException {
        ZoneSnapshot last = lastTransfer.get(zone);
        if (last == null) return null;
        RRset soa = queryOne(zone, new RRsetKey(zone, "SOA"));
        return soa != null && soa.equals(last.soa()) ? last : null;
    }

    private ZoneSnapshot queryAll(String zone, Collection<RRsetKey> keys) throws ProviderException {
        List<RRset> out = new ArrayList<>();
        for (RRsetKey k : withApex(zone, keys)) {
            RRset s = queryOne(zone, k);
            if (s != null) out.add(s);
        }
        ZoneSnapshot snap = new ZoneSnapshot(zone, out);
        if (snap.soa() == null) {
            throw new ProviderException(Kind.NOT_FOUND, client.server() + " has no SOA for " + zone
                    + ": it does not serve this zone");
        }
        return snap;
    }

    private RRset queryOne(String zone, RRsetKey key) throws ProviderException {
        Name name = Names.toName(key.name());
        int type = Type.value(key.type());
        Message m = retrying(() -> client.query(name, type, zone));
        List<Record> matching = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            // An answer may hold a CNAME chain; only the owner's own RRset of this type counts.
            if (r.getType() == type && r.getName().equals(name)) matching.add(r);
        }
        if (matching.isEmpty()) return null;
        return toSnapshot(zone, matching).get(key);
    }

    /** RRsets from records: grouped by owner and type; records of one RRset with different TTLs take the lowest (RFC 2181 §5.2). */
    static ZoneSnapshot toSnapshot(String zone, List<Record> records) {
        return ZoneSnapshot.fromRecords(zone, records);
    }

    private static List<RRsetKey> withApex(String zone, Collection<RRsetKey> keys) {
        Set<RRsetKey> all = new TreeSet<>();
        all.add(new RRsetKey(zone, "SOA"));
        all.add(new RRsetKey(zone, "NS"));
        all.addAll(keys);
        return List.copyOf(all);
    }

    private static void checkInZone(String zone, Collection<RRsetKey> keys) throws ProviderException {
        for (RRsetKey k : keys) {
            if (!Names.inZone(k.name(), zone)) {
                throw new ProviderException(Kind.INVALID, k + " is not inside zone " + zone);
            }
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws ProviderException;
    }

    /**
     * Runs {@code call}, again after a pause when it fails transiently: {@link #ATTEMPTS} tries at most,
     * pauses doubling from {@link #FIRST_PAUSE} up to {@link #MAX_PAUSE}. Permanent failures go straight out.
     */
    private <T> T retrying(Call<T> call) throws ProviderException {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (ProviderException e) {
                if (!e.kind().isTransient() || attempt >= ATTEMPTS) {
                    if (attempt == 1) throw e;
                    throw new ProviderException(e.kind(), e.getMessage() + " (tried " + attempt + " times)",
                            e.conflicts(), e);
                }
            }
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new ProviderException(Kind.TIMEOUT, "interrupted while waiting to retry " + client.server());
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }
}
