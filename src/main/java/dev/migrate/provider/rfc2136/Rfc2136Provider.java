package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.Images;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.rfc2136.Rfc2136Settings.ReadMode;
import dev.migrate.provider.rfc2136.UpdateMessages.Converted;
import dev.migrate.support.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
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
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * A zone on a primary nameserver that takes RFC 2136 dynamic updates (BIND, Knot, PowerDNS, Windows).
 * All requests go over one TCP connection to the server, signed with one TSIG context ({@link DnsClient}).
 *
 * <p><b>Reading.</b> {@code read: axfr} transfers the whole zone once (signed with the key when one is
 * set) and keeps it: every later read asks only what changed since, by IXFR from the serial it holds
 * (RFC 1995; a server without the history answers with the whole zone, and one that refuses IXFR is
 * read by AXFR from then on). {@code read: query} is for servers that refuse transfers: it asks the
 * primary directly (RD=0, AA required) for the SOA, then for the apex NS and the RRsets named through
 * {@link #readNames}, several queries in flight; since it cannot list a zone, {@link #read} then returns
 * only those RRsets, and refuses (with a clear error) when nothing has been named for the zone yet: a
 * silently partial zone would make absent RRsets look deleted. Rewrite rules, which scan the whole zone,
 * need {@code read: axfr}. A wildcard answers a query for a name that has no data of its own as if it
 * had: query mode cannot tell the two apart.
 *
 * <p><b>Writing.</b> {@link #batches} cuts a zone's changes so that each batch is one UPDATE message
 * (at most 64 KiB as sent, TSIG and prerequisites counted, in both directions so that its undoing fits
 * too), and {@link #apply} sends exactly one message per batch: a batch lands whole or not at all
 * (RFC 2136 §3.7), and a crash between batches leaves every journaled batch either applied or not.
 * Before the update it compares the before-images, TTLs included (the server's own comparison ignores
 * them, §2.4.2), with the zone as held, brought up to date by one IXFR: while nothing moved since the
 * phase read the zone, the answer is a single SOA record. The message's prerequisites are the
 * before-images and that SOA, so the server applies it only while the zone is still the version just
 * compared: nothing, a TTL included, can slip in between. When the zone moved in between, the update
 * changes nothing; the adapter reads again, compares again and sends the message anew (a few times at
 * most). Afterwards it reads back what the update changed (an IXFR from the serial before it, or queries
 * for those RRsets): a server may accept an update and ignore part of it (a CNAME beside other data,
 * RFC 2136 §3.4.2), and that must not pass for success. The SOA serial is left to the server, which
 * bumps it on every update.
 *
 * <p><b>Failures.</b> Reads are retried a bounded number of times ({@link #ATTEMPTS}, with growing
 * pauses) when they time out, cannot connect or get SERVFAIL; an UPDATE is never sent again after a
 * failure: the engine retries writes (and journals each try), reading back first. Every request has a
 * deadline (the provider's {@code timeout}), so a hung server fails a write within the timeout and a read
 * within {@link #ATTEMPTS} timeouts. Refusals, authentication failures and conflicts are not retried. A
 * conflict names the RRsets that differ. Secrets appear nowhere but in the TSIG computation.
 *
 * <p>Calls for different zones may come from several threads at once; calls for one zone must not
 * overlap.
 */
public final class Rfc2136Provider implements DnsProvider {
    /**
     * Most RRsets per batch. Each batch is one journal entry and one atomic message: 500 simple RRsets
     * fit one 64 KiB message with room to spare; larger data is cut into smaller batches by size.
     */
    static final int MAX_BATCH = 500;
    static final Capabilities CAPABILITIES =
            new Capabilities(true, true, 0, RRset.MAX_TTL, Set.of(), true, MAX_BATCH);
    /** Tries of a read (a query, a transfer); an UPDATE is sent once. */
    static final int ATTEMPTS = 3;
    static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    static final Duration MAX_PAUSE = Duration.ofSeconds(2);
    /** Times an update is sent again because the zone moved between the read and the update. */
    static final int UPDATE_ROUNDS = 3;

    private final Rfc2136Settings settings;
    private final DnsClient client;
    private final Sleeper sleeper;
    /** Query mode: per zone, every RRset named through readNames or written, so read() can re-ask them. */
    private final Map<String, Set<RRsetKey>> named = new ConcurrentHashMap<>();
    private final AtomicLong updatesSent = new AtomicLong();
    private final AtomicLong wholeTransfers = new AtomicLong();
    private final AtomicLong changeTransfers = new AtomicLong();
    /** AXFR mode: the last version read of each zone, brought up to date by IXFR on every read. */
    private final Map<String, ZoneSnapshot> held = new ConcurrentHashMap<>();
    /**
     * Changes whose records {@link #batches} parsed, for {@link #apply} of the same batch, which then
     * drops them: parsing record text is the costly part of building UPDATE messages. By identity: the
     * engine hands apply the very changes batches cut (hashing 5,000 RRsets' data cost more than the
     * lookups saved); any other change is parsed anew. Bounded.
     */
    private final Map<RRsetChange, Converted> parsed = Collections.synchronizedMap(new IdentityHashMap<>());
    /** False once the server refused an IXFR: zones are then read by AXFR. */
    private volatile boolean ixfr = true;
    /** False once the server refused an update only for its SOA prerequisite. */
    private volatile boolean soaPrerequisite = true;

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

    /** UPDATE messages sent so far (each send counts), for the benchmark and the curious. */
    public long updateMessagesSent() {
        return updatesSent.get();
    }

    /** Transfers of a whole zone so far (AXFR, or an IXFR answered with the whole zone). */
    long wholeTransfers() {
        return wholeTransfers.get();
    }

    /** IXFRs so far whose changes were applied to the zone held. */
    long changeTransfers() {
        return changeTransfers.get();
    }

    /** TCP connections opened to the server so far. */
    long connectionsOpened() {
        return client.connectionsOpened();
    }

    @Override
    public void close() {
        client.close();
    }

    // ------------------------------------------------------------------ reading

    @Override
    public ZoneSnapshot read(String zone) throws ProviderException {
        String z = Names.canonical(zone);
        if (settings.read() == ReadMode.AXFR) return retrying(() -> transfer(z));
        Set<RRsetKey> keys = named.get(z);
        if (keys == null || keys.isEmpty()) {
            throw new ProviderException(Kind.INVALID, "provider rfc2136 with read: query cannot list zone " + z
                    + ": it reads only the RRsets it is asked about, and none were named; use read: axfr"
                    + " (rewrite rules need it), or allow transfers with the key");
        }
        return retrying(() -> queryNames(z, keys));
    }

    /**
     * The zone's SOA, its apex NS and the given RRsets (those that exist), read fresh. In query mode the
     * keys are remembered so that later {@link #read} calls return them too.
     */
    @Override
    public ZoneSnapshot read(String zone, Collection<RRsetKey> wanted) throws ProviderException {
        // With AXFR the whole zone is kept and brought up to date by IXFR: as cheap as a part of it, and
        // rewrite rules need all of it.
        if (settings.read() == ReadMode.AXFR) return read(zone);
        return readNames(zone, wanted);
    }

    public ZoneSnapshot readNames(String zone, Collection<RRsetKey> keys) throws ProviderException {
        String z = Names.canonical(zone);
        checkInZone(z, keys);
        if (settings.read() == ReadMode.AXFR) {
            ZoneSnapshot all = read(z);
            List<RRset> out = new ArrayList<>();
            for (RRsetKey k : withApex(z, keys)) {
                RRset s = all.get(k);
                if (s != null) out.add(s);
            }
            return new ZoneSnapshot(z, out);
        }
        named.computeIfAbsent(z, x -> ConcurrentHashMap.newKeySet()).addAll(keys);
        return retrying(() -> queryNames(z, keys));
    }

    /**
     * AXFR mode: the zone now. With a version already read, only what changed since (IXFR); the whole
     * zone when there is none, the server has no history that far back, or refuses IXFR.
     */
    private ZoneSnapshot transfer(String zone) throws ProviderException {
        Name origin = Names.toName(zone);
        ZoneSnapshot last = held.get(zone);
        if (last != null && ixfr) {
            TransferReader.Result r;
            try {
                r = client.ixfr(origin, (SOARecord) Rdata.toRecords(last.soa()).get(0));
            } catch (ProviderException e) {
                if (e.kind() != Kind.REFUSED && e.kind() != Kind.INVALID) throw e;
                ixfr = false; // NOTIMP, FORMERR, REFUSED: a server without IXFR; AXFR says whether transfers work
                r = null;
            }
            ZoneSnapshot now = null;
            if (r instanceof TransferReader.UpToDate u) {
                // The same serial: nothing changed. An older one (a zone restored from a backup): read it all.
                if (u.soa().getSerial() == last.serial()) now = last;
            } else if (r instanceof TransferReader.Whole w) {
                wholeTransfers.incrementAndGet();
                now = snapshot(zone, w.records());
            } else if (r instanceof TransferReader.Changes c) {
                now = ZoneChanges.apply(last, c); // null when they do not fit what is held
                if (now != null) changeTransfers.incrementAndGet();
            }
            if (now != null) return remember(zone, now);
        }
        TransferReader.Result r = client.axfr(origin);
        wholeTransfers.incrementAndGet();
        if (!(r instanceof TransferReader.Whole w)) {
            throw new ProviderException(Kind.SERVER, client.server() + ": the zone transfer of " + zone + " is malformed");
        }
        return remember(zone, snapshot(zone, w.records()));
    }

    private ZoneSnapshot snapshot(String zone, List<Record> records) throws ProviderException {
        ZoneSnapshot snap = toSnapshot(zone, records);
        if (snap.soa() == null) {
            throw new ProviderException(Kind.SERVER, client.server() + ": the transfer of zone " + zone
                    + " has no SOA at the apex");
        }
        return snap;
    }

    private ZoneSnapshot remember(String zone, ZoneSnapshot z) {
        held.put(zone, z);
        return z;
    }

    /**
     * Query mode: the SOA first, then the apex NS and {@code keys}, several in flight. Asked in that order,
     * every RRset is read at the SOA's version or later, so an update that requires this SOA cannot pass
     * on an RRset read from an older version.
     */
    private ZoneSnapshot queryNames(String zone, Collection<RRsetKey> keys) throws ProviderException {
        Name origin = Names.toName(zone);
        Message soaAnswer = client.query(origin, Type.SOA, zone);
        List<RRset> out = new ArrayList<>();
        RRset soa = answerFor(zone, new RRsetKey(zone, "SOA"), soaAnswer);
        if (soa == null) {
            throw new ProviderException(Kind.NOT_FOUND, client.server() + " has no SOA for " + zone
                    + ": it does not serve this zone");
        }
        out.add(soa);
        List<RRsetKey> rest = new ArrayList<>(withApex(zone, keys));
        rest.remove(new RRsetKey(zone, "SOA"));
        List<Name> names = new ArrayList<>(rest.size());
        List<Integer> types = new ArrayList<>(rest.size());
        for (RRsetKey k : rest) {
            names.add(Names.toName(k.name()));
            types.add(Type.value(k.type()));
        }
        List<Message> answers = client.queryAll(names, types, zone);
        for (int i = 0; i < rest.size(); i++) {
            RRset s = answerFor(zone, rest.get(i), answers.get(i));
            if (s != null) out.add(s);
        }
        return new ZoneSnapshot(zone, out);
    }

    private static RRset answerFor(String zone, RRsetKey key, Message m) {
        Name name = Names.toName(key.name());
        int type = Type.value(key.type());
        List<Record> matching = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            // An answer may hold a CNAME chain; only the owner's own RRset of this type counts.
            if (r.getType() == type && r.getName().equals(name)) matching.add(r);
        }
        if (matching.isEmpty()) return null;
        return toSnapshot(zone, matching).get(key);
    }

    /**
     * A fresh read of the zone (AXFR mode) or of the SOA and these RRsets (query mode), tried once: it is
     * part of a write, and the engine retries writes as a whole (reading back first), so a hung server
     * fails the write within the timeout instead of after several.
     */
    private ZoneSnapshot fresh(String zone, Collection<RRsetKey> keys) throws ProviderException {
        return settings.read() == ReadMode.AXFR ? transfer(zone) : queryNames(zone, keys);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Cuts the zone's changes, in order, into batches of at most {@link #MAX_BATCH} RRsets whose UPDATE
     * fits one message as this adapter sends it: TSIG record and every prerequisite counted (with room
     * for the SOA's), and the message that would undo the batch too, so a rollback batch fits as well.
     * A change too large for a message on its own becomes a batch of one, which {@link #apply} refuses.
     */
    @Override
    public List<List<RRsetChange>> batches(String zone, List<RRsetChange> changes) {
        String z = Names.canonical(zone);
        List<Converted> all = changes.stream().map(this::parsed).toList();
        List<List<RRsetChange>> out = new ArrayList<>();
        int i = 0;
        while (i < all.size()) {
            int cap = Math.min(all.size(), i + MAX_BATCH);
            int end;
            if (fits(z, all.subList(i, cap))) {
                end = cap;
            } else {
                // Binary search for the longest run that fits: fits(i..lo) holds, fits(i..hi) does not.
                int lo = i + 1;
                int hi = cap;
                while (hi - lo > 1) {
                    int mid = (lo + hi) >>> 1;
                    if (fits(z, all.subList(i, mid))) lo = mid;
                    else hi = mid;
                }
                end = lo;
            }
            out.add(changes.subList(i, end).stream().toList());
            i = end;
        }
        return out;
    }

    private Converted parsed(RRsetChange c) {
        Converted v = parsed.get(c);
        if (v == null) {
            if (parsed.size() >= 25_000) parsed.clear(); // bounded: changes batched but never applied
            v = new Converted(c);
            parsed.put(c, v);
        }
        return v;
    }

    /** True when the changes' UPDATE, and the one undoing them, each fit one message with an SOA prerequisite. */
    private boolean fits(String zone, List<Converted> run) {
        List<Converted> writes = run.stream().filter(c -> c.change.kind() != RRsetChange.Kind.NONE).toList();
        if (writes.isEmpty()) return true;
        int budget = DnsClient.MAX_MESSAGE - UpdateMessages.SOA_PREREQUISITE;
        for (boolean inverse : new boolean[] {false, true}) {
            if (client.wireLength(UpdateMessages.sameSize(zone, writes, inverse)) > budget) return false;
        }
        return true;
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
        List<RRsetKey> keys = changes.stream().map(RRsetChange::key).toList();
        checkInZone(z, keys);
        if (changes.isEmpty()) return;
        Map<RRsetChange, Converted> converted = new IdentityHashMap<>();
        for (RRsetChange c : changes) {
            Converted known = parsed.remove(c);
            converted.put(c, known != null ? known : new Converted(c));
        }
        // One message per batch, never more: checked before anything is read or sent.
        Update whole = UpdateMessages.sameSize(z, changes.stream().map(converted::get).toList(), false);
        if (client.wireLength(whole) > DnsClient.MAX_MESSAGE - UpdateMessages.SOA_PREREQUISITE) {
            throw new ProviderException(Kind.INVALID, "the batch of " + changes.size() + " RRsets for zone " + z
                    + " does not fit one UPDATE message (64 KiB): nothing was sent; batches must come from"
                    + " batches(), which cuts them to size");
        }
        if (settings.read() == ReadMode.QUERY) {
            named.computeIfAbsent(z, x -> ConcurrentHashMap.newKeySet()).addAll(keys);
        }

        // Compare-and-set, part one: the full before-image, TTL included, against what is live now. With
        // AXFR the zone held since the phase's own read is brought up to date by IXFR: while its serial has
        // not moved, the answer is one SOA record.
        ZoneSnapshot view = fresh(z, keys);
        List<RRsetChange> todo;
        for (int round = 1; ; round++) {
            List<RRsetKey> conflicts = new ArrayList<>();
            todo = new ArrayList<>();
            for (RRsetChange c : changes) {
                RRset now = view.get(c.key());
                if (Objects.equals(now, c.before())) {
                    todo.add(c);
                } else if (!Objects.equals(now, c.after())) {
                    conflicts.add(c.key());
                }
                // Already in its after-image (an earlier try whose answer was lost, or the same edit made
                // by someone else): nothing to write.
            }
            if (!conflicts.isEmpty()) throw conflict(z, conflicts, view, changes);
            if (todo.isEmpty()) return;

            // Part two, on the server: the before-images' data and, while the server honours it, the SOA
            // read just now, so that nothing (a TTL included) can change between that read and the update.
            RRset soa = soaPrerequisite ? view.soa() : null;
            Update u = UpdateMessages.message(z, soa, todo.stream().map(converted::get).toList(), false);
            Failures f = client.failures(z, "UPDATE");
            updatesSent.incrementAndGet();
            // Sent once: a timeout or a lost connection leaves its outcome unknown, and the engine reads
            // back before it decides to try again.
            int rcode = client.exchange(u, f).getRcode();
            if (rcode == Rcode.NOERROR) break;
            ProviderException p = f.forRcode(rcode);
            if (p.kind() != Kind.CONFLICT) throw p;
            // A prerequisite failed, so nothing of the message was applied (§3.2): the zone moved since it
            // was read, or an RRset is not its before-image any more. Read again and decide again.
            ZoneSnapshot again = fresh(z, keys);
            if (Objects.equals(view.soa(), again.soa()) && sameImages(view, again, keys)) {
                if (soa == null) {
                    // Nothing moved that can be read, yet the server says a before-image does not hold.
                    throw conflict(z, todo.stream().map(RRsetChange::key).toList(), again, changes);
                }
                // Nothing moved, yet the server refused: it does not take an SOA prerequisite as
                // written. Do without it; the before-images still guard the data.
                soaPrerequisite = false;
            } else if (round >= UPDATE_ROUNDS) {
                throw new ProviderException(Kind.SERVER, "zone " + z + " on " + client.server() + " changed "
                        + round + " times while the update was being sent; nothing of this batch was written");
            }
            view = again;
        }

        // A server may accept an update and skip part of it without an error (RFC 2136 §3.4.2): read back
        // what it changed (IXFR from the version the update required, or queries) and check.
        ZoneSnapshot after = fresh(z, todo.stream().map(RRsetChange::key).toList());
        Images.requireAfterImages(after, todo, "zone " + z + " on " + client.server(),
                "the server may refuse such data silently, e.g. a CNAME beside other data");
    }

    private static boolean sameImages(ZoneSnapshot a, ZoneSnapshot b, List<RRsetKey> keys) {
        for (RRsetKey k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) return false;
        }
        return true;
    }

    private ProviderException conflict(String zone, List<RRsetKey> keys, ZoneSnapshot live, List<RRsetChange> changes) {
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
                + client.server() + " since it was read; nothing in this update was written: "
                + String.join("; ", lines), keys, null);
    }

    // ------------------------------------------------------------------ helpers

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
     * Runs a read, again after a pause when it fails transiently: {@link #ATTEMPTS} tries at most, pauses
     * doubling from {@link #FIRST_PAUSE} up to {@link #MAX_PAUSE}; each try is bounded by the timeout, so
     * the whole is too. Permanent failures go straight out. Never used for an UPDATE.
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
