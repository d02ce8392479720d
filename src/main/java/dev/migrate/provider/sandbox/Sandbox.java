package dev.migrate.provider.sandbox;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.Images;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.zonefile.SoaSerial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rehearsal's DNS provider: zones held in memory and served by {@code N} in-process nameservers on
 * 127.0.0.1, server 0 the primary and the others its secondaries. Writes are compare-and-set and atomic
 * like an RFC 2136 UPDATE (RFC 2136 §3.2 prerequisites, §3.7 atomicity), bump the SOA serial, and reach
 * every server at once, so a probe sees them on its next query.
 *
 * <p>Except on lagging servers: a lagging server keeps serving the zones it had at start and receives no
 * update at all, the way a secondary does that missed its NOTIFY (RFC 1996) and has a long SOA REFRESH.
 * That is deterministic (no timers, nothing depends on the clock), so a rehearsal shows the confirm phase
 * failing on that server every time. {@link #catchUp(int)} delivers the primary's current zones to a
 * lagging server once, like a late zone transfer; it keeps lagging after that.
 *
 * <p>Not registered with {@code ServiceLoader}: a plan cannot name it; the rehearsal constructs it.
 */
public final class Sandbox implements DnsProvider {
    public static final String TYPE = "sandbox";

    /**
     * The same promises as the zone-file provider, so the engine plans and splits batches for a rehearsal
     * exactly as for a real run against zone files.
     */
    static final Capabilities CAPABILITIES =
            new Capabilities(true, true, 0, RRset.MAX_TTL, Set.of(), true, 100_000);

    /** One applied batch: when (on the injected clock), which zone, the serial it produced, the changes. */
    public record AppliedBatch(Instant at, String zone, long serial, List<RRsetChange> changes) {
        public AppliedBatch {
            changes = List.copyOf(changes);
        }
    }

    private final Clock clock;
    private final List<SandboxNameserver> servers;
    private final Set<Integer> lagging;
    private final Map<String, ZoneSnapshot> data = new TreeMap<>(); // guarded by this
    private final List<AppliedBatch> batches = new ArrayList<>(); // guarded by this
    private boolean closed; // guarded by this

    private Sandbox(Clock clock, List<SandboxNameserver> servers, Set<Integer> lagging,
            Collection<ZoneSnapshot> zones) {
        this.clock = clock;
        this.servers = List.copyOf(servers);
        this.lagging = new java.util.concurrent.CopyOnWriteArraySet<>(lagging);
        for (ZoneSnapshot z : zones) data.put(z.zone(), z);
    }

    /**
     * Starts {@code servers} nameservers, each on its own port of 127.0.0.1, all serving {@code zones}.
     *
     * @param laggingIndexes servers (1..servers-1) that never receive updates; the primary (0) cannot lag
     *                       because it is where writes land
     * @param clock          stamps applied batches and dates date-style serials ({@link SoaSerial#next})
     * @throws IOException   when a server cannot bind; servers already started are closed again
     */
    public static Sandbox start(Collection<ZoneSnapshot> zones, int servers, Set<Integer> laggingIndexes,
            Clock clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        if (servers < 1) throw new IllegalArgumentException("a sandbox needs at least one server, not " + servers);
        for (int i : laggingIndexes) {
            if (i < 1 || i >= servers) {
                throw new IllegalArgumentException("lagging server " + i + " must be a secondary, 1.."
                        + (servers - 1) + " (server 0 is the primary)");
            }
        }
        Map<String, ZoneSnapshot> byName = new LinkedHashMap<>();
        Map<org.xbill.DNS.Name, ServedZone> served = new LinkedHashMap<>();
        for (ZoneSnapshot z : zones) {
            if (byName.put(z.zone(), z) != null) throw new IllegalArgumentException("zone " + z.zone() + " given twice");
            ServedZone s = ServedZone.of(z);
            served.put(s.origin(), s);
        }
        List<SandboxNameserver> started = new ArrayList<>();
        try {
            for (int i = 0; i < servers; i++) started.add(SandboxNameserver.start(served));
        } catch (IOException | RuntimeException e) {
            started.forEach(SandboxNameserver::close);
            throw e;
        }
        return new Sandbox(clock, started, laggingIndexes, byName.values());
    }

    /** {@value #TYPE}: what the rehearsal prints as the provider type. */
    public String type() {
        return TYPE;
    }

    /** One address per server, in server order: index 0 is the primary. */
    public List<InetSocketAddress> addresses() {
        return servers.stream().map(SandboxNameserver::address).toList();
    }

    /** Indexes of the servers that do not receive updates. */
    public Set<Integer> lagging() {
        return Set.copyOf(lagging);
    }

    /** The zones the sandbox holds, absolute and lower case. */
    public synchronized Set<String> zones() {
        return new TreeSet<>(data.keySet());
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            InetSocketAddress a = servers.get(i).address();
            String role = i == 0 ? " (primary)" : lagging.contains(i) ? " (lagging)" : "";
            parts.add(a.getAddress().getHostAddress() + ":" + a.getPort() + role);
        }
        return TYPE + " " + String.join(", ", parts);
    }

    /** The zone as the provider holds it, which is what the primary serves. */
    @Override
    public synchronized ZoneSnapshot read(String zone) throws ProviderException {
        ZoneSnapshot z = data.get(Names.canonical(zone));
        if (z == null) throw new ProviderException(Kind.NOT_FOUND, "the sandbox does not hold zone " + zone
                + "; it holds " + String.join(", ", data.keySet()));
        return z;
    }

    /**
     * Applies the batch all at once or not at all: every before-image must equal the live RRset (TTL and
     * data), else CONFLICT naming each RRset that differs and nothing changes. Then the SOA serial moves on
     * ({@link SoaSerial#next} from the live serial; the other SOA fields come from the batch when it changes
     * the SOA) and the new zone goes to every server that is not lagging. An empty batch changes nothing,
     * not even the serial.
     */
    @Override
    public synchronized void apply(String zone, List<RRsetChange> batch) throws ProviderException {
        if (closed) throw new ProviderException(Kind.UNREACHABLE, "the sandbox is closed");
        ZoneSnapshot live = read(zone);
        String z = live.zone();
        if (batch.isEmpty()) return;

        Set<RRsetKey> keys = new HashSet<>();
        for (RRsetChange c : batch) {
            if (!c.zone().equals(z)) {
                throw new ProviderException(Kind.INVALID, "change to " + c.key() + " is for zone " + c.zone()
                        + ", not " + z);
            }
            if (!Names.inZone(c.key().name(), z)) {
                throw new ProviderException(Kind.INVALID, c.key() + " is outside zone " + z);
            }
            if (!keys.add(c.key())) {
                throw new ProviderException(Kind.INVALID, c.key() + " appears twice in one batch");
            }
        }
        Images.requireBeforeImages(live, batch, "zone " + z + " in the sandbox");

        ZoneSnapshot next = live.with(batch);
        if (next.soa() == null) {
            throw new ProviderException(Kind.INVALID, "the batch deletes the SOA of " + z + "; a zone needs one");
        }
        checkCnames(next, keys);
        Instant now = clock.instant();
        ZoneSnapshot bumped = withSerial(next, SoaSerial.next(live.serial(), now));
        ServedZone served;
        try {
            served = ServedZone.of(bumped);
        } catch (RuntimeException e) {
            throw new ProviderException(Kind.INVALID, "the sandbox cannot serve the result: " + e.getMessage(), e);
        }

        data.put(z, bumped);
        batches.add(new AppliedBatch(now, z, bumped.serial(), batch));
        for (int i = 0; i < servers.size(); i++) {
            if (!lagging.contains(i)) servers.get(i).publish(served);
        }
    }

    /**
     * RFC 1034 §3.6.2 and RFC 2181 §10.1: a name with a CNAME has no other data (DNSSEC types aside). A
     * real server refuses such a zone or silently drops the update (RFC 2136 §3.4.2.2); the rehearsal
     * says so instead, on the names this batch touched.
     */
    private static void checkCnames(ZoneSnapshot next, Set<RRsetKey> touched) throws ProviderException {
        Set<String> names = new TreeSet<>();
        for (RRsetKey k : touched) names.add(k.name());
        for (String name : names) {
            List<RRset> at = next.atName(name);
            boolean cname = at.stream().anyMatch(s -> s.type().equals("CNAME"));
            List<String> others = at.stream().map(RRset::type)
                    .filter(t -> !t.equals("CNAME") && !t.equals("RRSIG") && !t.equals("NSEC") && !t.equals("NSEC3"))
                    .toList();
            if (cname && !others.isEmpty()) {
                throw new ProviderException(Kind.INVALID, name + " would have a CNAME and also " + others
                        + "; a CNAME owner has no other data (RFC 1034 §3.6.2, RFC 2181 §10.1)");
            }
        }
    }

    private static ZoneSnapshot withSerial(ZoneSnapshot z, long serial) {
        RRset soa = z.soa();
        String[] f = soa.rdata().get(0).split("\\s+");
        f[2] = Long.toString(serial);
        return z.with(List.of(RRsetChange.of(z.zone(), soa, soa.withData(List.of(String.join(" ", f))))));
    }

    /**
     * From now on server {@code server} receives no updates: a secondary whose NOTIFY got lost, starting at
     * a chosen moment (the rehearsal's {@code --lagging-server} starts it at the swap, so lower-ttl still
     * confirms and the failure shows where it hurts).
     */
    public synchronized void startLagging(int server) {
        if (server < 1 || server >= servers.size()) {
            throw new IllegalArgumentException("lagging server " + server + " must be a secondary, 1.." + (servers.size() - 1));
        }
        lagging.add(server);
    }

    /** What server {@code server} answers for {@code zone} now (differs from {@link #read} when lagging). */
    public ZoneSnapshot servedBy(int server, String zone) {
        ZoneSnapshot z = server(server).served(zone);
        if (z == null) throw new IllegalArgumentException("server " + server + " does not serve zone " + zone);
        return z;
    }

    /**
     * Delivers the current zones to a lagging server once, like a zone transfer that finally happened; it
     * does not receive later updates until called again. A no-op for servers that are not lagging.
     */
    public synchronized void catchUp(int server) {
        SandboxNameserver s = server(server);
        for (ZoneSnapshot z : data.values()) s.publish(z);
    }

    /** Every change applied, in order, exactly as the batches gave them (serial bumps are not included). */
    public synchronized List<RRsetChange> history() {
        List<RRsetChange> out = new ArrayList<>();
        for (AppliedBatch b : batches) out.addAll(b.changes());
        return List.copyOf(out);
    }

    /** Every applied batch, in order, with its instant and resulting serial. */
    public synchronized List<AppliedBatch> batches() {
        return List.copyOf(batches);
    }

    /** Queries answered by server {@code server} so far. */
    public long queries(int server) {
        return server(server).queries();
    }

    private SandboxNameserver server(int index) {
        if (index < 0 || index >= servers.size()) {
            throw new IllegalArgumentException("no sandbox server " + index + "; there are " + servers.size());
        }
        return servers.get(index);
    }

    /** Stops every server and frees their ports. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        servers.forEach(SandboxNameserver::close);
    }
}
