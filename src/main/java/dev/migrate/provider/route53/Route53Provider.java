package dev.migrate.provider.route53;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.RRsetNote;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.Images;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.support.Durations;
import dev.migrate.support.Sleeper;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import okhttp3.HttpUrl;

/**
 * A hosted zone on Amazon Route 53, written with real compare-and-set.
 *
 * <p><b>Writing.</b> Each batch is one {@code ChangeResourceRecordSets} request: a {@code DELETE} of every
 * before-image exactly as Route 53 returned it (TTL and values), then a {@code CREATE} of every after-image;
 * a new RRset is a plain {@code CREATE}. Route 53 applies a request all or nothing, and refuses a DELETE that
 * does not match the live RRset and a CREATE of one that exists ({@code InvalidChangeBatch}), so someone
 * else's change is never overwritten: that is a CONFLICT and nothing is written. Never {@code UPSERT}, which
 * overwrites blindly. A request holds at most 1,000 ResourceRecord elements and 32,000 characters of Value
 * elements ("Quotas: Maximums on API requests"), which {@link #batches} respects.
 *
 * <p><b>Confirming.</b> An accepted change is {@code PENDING} until every Route 53 nameserver has it; the
 * adapter polls {@code GetChange} (exponential backoff, {@code syncTimeout}) until {@code INSYNC}, then reads
 * back every changed RRset and compares it with the after-image: a change accepted and partly ignored must
 * not pass for success.
 *
 * <p><b>Reading.</b> {@code ListResourceRecordSets}, 300 per page, following {@code NextRecordName},
 * {@code NextRecordType} and {@code NextRecordIdentifier} while {@code IsTruncated}. Names come octal-escaped
 * and TXT data quoted (see {@link Route53Names}). Alias records and records under a routing policy
 * ({@code SetIdentifier}: weighted, latency, geolocation, failover, multivalue) have no data or TTL this
 * tool can write as one RRset: they are noted as refused targets (the plan says so, at plan time) and
 * otherwise left alone; so are the apex SOA and NS, which Route 53 manages and which only UPSERT changes.
 * Route 53 keeps the SOA serial at 1, so the capabilities say the serial means nothing.
 *
 * <p><b>Failures.</b> Reads are retried within a deadline ({@link Route53Api}); a write is not: a throttled
 * write ({@code Throttling}, {@code PriorRequestNotComplete}) is RATE_LIMITED with a retry-after hint, for
 * the engine to retry and journal. Resending a write whose answer was lost is safe: its DELETE no longer
 * matches, so Route 53 refuses it whole.
 */
public final class Route53Provider implements DnsProvider {
    /** ResourceRecord elements in one ChangeResourceRecordSets request. */
    static final int MAX_RECORDS = 1000;
    /** Characters of all Value elements in one request. */
    static final int MAX_VALUE_CHARS = 32_000;
    /** A changed RRset is a DELETE and a CREATE of at least one record each: 500 fill the request. */
    static final int MAX_BATCH = MAX_RECORDS / 2;
    /** The most ListResourceRecordSets returns per page. */
    static final int PAGE = 300;
    /** A hosted zone holds 10,000 RRsets by default; 10,000 pages is far beyond any raised quota. */
    static final int MAX_PAGES = 10_000;
    /** Read back name by name up to this many RRsets; more are read back with one listing of the zone. */
    static final int READ_BACK_ONE_BY_ONE = 20;
    /** The types Route 53 serves (Route 53 Developer Guide, "Supported DNS record types"). */
    static final Set<String> TYPES = Set.of("A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR",
            "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT");
    static final Capabilities CAPABILITIES = new Capabilities(true, true, 0, RRset.MAX_TTL, TYPES, false, MAX_BATCH);

    /** GetChange polling: first pause, longest pause, and how long a change may stay PENDING. */
    record Sync(Duration firstPoll, Duration maxPoll, Duration timeout) {
        static Sync of(Duration timeout) {
            return new Sync(Duration.ofMillis(500), Duration.ofSeconds(8), timeout);
        }
    }

    /** A plain RRset exactly as Route 53 returned it: what a DELETE must repeat. */
    record Held(RRset normalised, long ttl, List<String> values) {}

    private final Route53Api api;
    private final Map<String, String> configuredIds;
    private final Sync sync;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final Map<String, String> zoneIds = new ConcurrentHashMap<>();
    /** Per zone, what the last read returned for each plain RRset. */
    private final Map<String, Map<RRsetKey, Held>> held = new ConcurrentHashMap<>();

    Route53Provider(Route53Api api, Map<String, String> hostedZones, Sync sync, Sleeper sleeper, LongSupplier nanoTime) {
        this.api = api;
        this.configuredIds = Map.copyOf(hostedZones);
        this.sync = sync;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String describe() {
        return "route53 " + api.where().substring("Route 53 at ".length());
    }

    // ------------------------------------------------------------------ reading

    /** One ResourceRecordSet of a listing. */
    record Listed(String name, String type, Long ttl, List<String> values, String setIdentifier, String aliasTo) {
        RRsetKey key() {
            return new RRsetKey(name, type);
        }
    }

    @Override
    public ZoneSnapshot read(String zone) throws ProviderException {
        String z = Names.canonical(zone);
        String id = zoneId(z);
        Snapshot s = snapshot(z, id, list(z, id, null, null, Integer.MAX_VALUE));
        held.put(z, new ConcurrentHashMap<>(s.held()));
        return s.zone();
    }

    /** Keeps what a read of just {@code keys} returned, and forgets those of them it did not find. */
    private ZoneSnapshot remember(String zone, Snapshot s, java.util.Collection<RRsetKey> keys) {
        Map<RRsetKey, Held> m = held.computeIfAbsent(zone, k -> new ConcurrentHashMap<>());
        m.keySet().removeAll(keys);
        m.putAll(s.held());
        return s.zone();
    }

    record Snapshot(ZoneSnapshot zone, Map<RRsetKey, Held> held) {}

    private Snapshot snapshot(String zone, String id, List<Listed> listed) throws ProviderException {
        Map<RRsetKey, RRset> sets = new LinkedHashMap<>();
        Map<RRsetKey, Held> raw = new LinkedHashMap<>();
        Map<RRsetKey, RRsetNote> notes = new TreeMap<>();
        for (Listed l : listed) {
            if (org.xbill.DNS.Type.value(l.type()) < 0) continue; // a type this tool does not know: no plan names it
            RRsetKey key = l.key();
            if (l.aliasTo() != null) {
                notes.put(key, RRsetNote.refused("a Route 53 alias to " + l.aliasTo() + ": it has no TTL or data of its"
                        + " own, and this tool writes only plain RRsets; change it in Route 53, or leave it out of the plan"));
                continue;
            }
            if (l.setIdentifier() != null) {
                notes.put(key, RRsetNote.refused("records under a Route 53 routing policy (SetIdentifier '"
                        + l.setIdentifier() + "': weighted, latency, geolocation, failover or multivalue) share this name"
                        + " and type, which this tool cannot write as one RRset; change them in Route 53, or leave them"
                        + " out of the plan"));
                continue;
            }
            if (l.ttl() == null || l.values().isEmpty()) {
                throw new ProviderException(Kind.SERVER, "zone " + zone + " on " + describe() + ": " + key
                        + " came without TTL or records");
            }
            List<String> data = new ArrayList<>();
            for (String v : l.values()) {
                try {
                    data.add(rdata(key.type(), v));
                } catch (IllegalArgumentException e) {
                    throw new ProviderException(Kind.SERVER, "zone " + zone + " on " + describe() + " (hosted zone " + id
                            + "): " + key + " holds data this tool cannot read: " + e.getMessage());
                }
            }
            RRset set = new RRset(key.name(), key.type(), l.ttl(), data);
            sets.put(key, set);
            raw.put(key, new Held(set, l.ttl(), List.copyOf(l.values())));
            if (key.name().equals(zone) && (key.type().equals("SOA") || key.type().equals("NS"))) {
                notes.put(key, RRsetNote.refused("the apex " + key.type() + " of a hosted zone belongs to Route 53, which"
                        + " changes it only by UPSERT, a blind overwrite this tool does not use"));
            }
        }
        return new Snapshot(new ZoneSnapshot(zone, sets.values(), notes), raw);
    }

    /** Record data in this tool's form from a Route 53 Value. */
    static String rdata(String type, String value) {
        if (type.equals("TXT") || type.equals("SPF")) {
            String quoted = value.startsWith("\"") ? value : Rdata.quotedStrings(value);
            return Rdata.normalise(type, Route53Names.txtFromRoute53(quoted), ".");
        }
        return Rdata.normalise(type, value, ".");
    }

    /** A Value for Route 53 from record data in this tool's form. */
    static String value(String type, String rdata) {
        return type.equals("TXT") || type.equals("SPF") ? Route53Names.txtToRoute53(rdata) : rdata;
    }

    /**
     * RRsets from {@code (startName, startType)} on (from the beginning when null), at most {@code max} of
     * them, following the listing's paging.
     */
    private List<Listed> list(String zone, String id, String startName, String startType, int max)
            throws ProviderException {
        List<Listed> out = new ArrayList<>();
        String name = startName == null ? null : Route53Names.encode(startName);
        String type = startType;
        String identifier = null;
        for (int page = 1; page <= MAX_PAGES; page++) {
            HttpUrl.Builder u = api.url("hostedzone", id, "rrset")
                    .addQueryParameter("maxitems", Integer.toString(Math.min(PAGE, max - out.size())));
            if (name != null) u.addQueryParameter("name", name);
            if (type != null) u.addQueryParameter("type", type);
            if (identifier != null) u.addQueryParameter("identifier", identifier);
            Xml x = api.get(u.build(), "listing the records of zone " + zone + (page > 1 ? " (page " + page + ")" : ""));
            Xml sets = x.child("ResourceRecordSets");
            for (Xml s : sets == null ? List.<Xml>of() : sets.all("ResourceRecordSet")) out.add(listed(s));
            if (!"true".equals(x.text("IsTruncated")) || out.size() >= max) return out;
            String nextName = x.text("NextRecordName");
            String nextType = x.text("NextRecordType");
            String nextId = x.text("NextRecordIdentifier");
            if (nextName == null || Objects.equals(nextName, name) && Objects.equals(nextType, type)
                    && Objects.equals(nextId, identifier)) {
                throw new ProviderException(Kind.SERVER, "listing zone " + zone + " on " + describe() + ": the answer"
                        + " says there is more but gives no next record to start from; stopping");
            }
            name = nextName;
            type = nextType;
            identifier = nextId;
        }
        throw new ProviderException(Kind.SERVER, "zone " + zone + " on " + describe() + ": still more records after "
                + MAX_PAGES + " pages; stopping");
    }

    private static Listed listed(Xml s) throws ProviderException {
        String name = s.text("Name");
        String type = s.text("Type");
        if (name == null || type == null) {
            throw new ProviderException(Kind.SERVER, "Route 53 listed a record set without Name or Type");
        }
        String ttl = s.text("TTL");
        List<String> values = new ArrayList<>();
        Xml rrs = s.child("ResourceRecords");
        if (rrs != null) {
            for (Xml rr : rrs.all("ResourceRecord")) values.add(rr.text("Value") == null ? "" : rr.text("Value"));
        }
        String alias = s.child("AliasTarget") == null ? null : s.text("AliasTarget", "DNSName");
        if (s.child("AliasTarget") != null && alias == null) alias = "(no DNSName)";
        Long t;
        try {
            t = ttl == null ? null : Long.parseLong(ttl.trim());
        } catch (NumberFormatException e) {
            throw new ProviderException(Kind.SERVER, "Route 53 listed " + name + " " + type + " with TTL '" + ttl + "'");
        }
        return new Listed(Route53Names.decode(name), type.trim().toUpperCase(java.util.Locale.ROOT), t, values,
                s.text("SetIdentifier"), alias == null ? null : Route53Names.decode(alias));
    }

    /**
     * The hosted zone's id: from {@code hostedZones} (checked to be this zone, so a mistyped id never writes
     * to another zone), else the one zone of that name {@code ListHostedZonesByName} shows.
     */
    String zoneId(String zone) throws ProviderException {
        String cached = zoneIds.get(zone);
        if (cached != null) return cached;
        String configured = configuredIds.get(zone);
        if (configured != null) {
            Xml x = api.get(api.url("hostedzone", configured).build(), "looking up hosted zone " + configured);
            String name = x.text("HostedZone", "Name");
            if (name == null || !Route53Names.decode(name).equals(zone)) {
                throw new ProviderException(Kind.INVALID, "provider route53: hostedZones gives " + configured + " for "
                        + zone + ", but that hosted zone is " + (name == null ? "unnamed" : Route53Names.decode(name))
                        + ": correct the id");
            }
            zoneIds.put(zone, configured);
            return configured;
        }
        List<String> found = new ArrayList<>();
        String dnsName = Route53Names.encode(zone);
        String fromId = null;
        for (int page = 0; page < 10; page++) {
            HttpUrl.Builder u = api.url("hostedzonesbyname").addQueryParameter("dnsname", dnsName)
                    .addQueryParameter("maxitems", "100");
            if (fromId != null) u.addQueryParameter("hostedzoneid", fromId);
            Xml x = api.get(u.build(), "looking up zone " + zone);
            Xml zones = x.child("HostedZones");
            boolean past = false;
            for (Xml h : zones == null ? List.<Xml>of() : zones.all("HostedZone")) {
                String n = h.text("Name");
                if (n == null || !Route53Names.decode(n).equals(zone)) {
                    past = true;
                    continue;
                }
                String id = stripPrefix(h.text("Id"), "/hostedzone/");
                found.add(id + ("true".equals(h.text("Config", "PrivateZone")) ? " (private)" : ""));
            }
            if (past || !"true".equals(x.text("IsTruncated"))) break;
            fromId = stripPrefix(x.text("NextHostedZoneId"), "/hostedzone/");
            if (fromId == null || !zone.equals(Route53Names.decode(String.valueOf(x.text("NextDNSName"))))) break;
        }
        if (found.isEmpty()) {
            throw new ProviderException(Kind.NOT_FOUND, "Route 53 shows no hosted zone " + zone + " to these credentials:"
                    + " check the zone name, or give its id in hostedZones");
        }
        if (found.size() > 1) {
            throw new ProviderException(Kind.INVALID, "Route 53 has " + found.size() + " hosted zones named " + zone + " ("
                    + String.join(", ", found) + "): say which one in the provider block, e.g. hostedZones: { "
                    + zone.substring(0, zone.length() - 1) + ": " + found.get(0).split(" ")[0] + " }");
        }
        String id = found.get(0).split(" ")[0];
        zoneIds.put(zone, id);
        return id;
    }

    private static String stripPrefix(String s, String prefix) {
        return s != null && s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Changes grouped by owner name (first appearance first), each group's deletions before its changes
     * before its creations, packed whole into requests within Route 53's limits: a CNAME replaced by an A
     * at one name lands in one request, never with the name empty in between. A group too large for one
     * request is split in its order; a single RRset too large for any request is a batch of its own, which
     * {@link #apply} refuses with a message.
     */
    @Override
    public List<List<RRsetChange>> batches(String zone, List<RRsetChange> changes) {
        Map<String, List<RRsetChange>> byName = new LinkedHashMap<>();
        for (RRsetChange c : changes) byName.computeIfAbsent(c.key().name(), k -> new ArrayList<>()).add(c);
        List<List<RRsetChange>> out = new ArrayList<>();
        List<RRsetChange> batch = new ArrayList<>();
        Size size = Size.ZERO;
        for (List<RRsetChange> group : byName.values()) {
            List<RRsetChange> ordered = new ArrayList<>(group);
            ordered.sort(java.util.Comparator.comparingInt(Route53Provider::order));
            Size g = Size.ZERO;
            for (RRsetChange c : ordered) g = g.plus(size(zone, c));
            if (!batch.isEmpty() && !size.plus(g).fits(batch.size() + ordered.size())) {
                out.add(List.copyOf(batch));
                batch = new ArrayList<>();
                size = Size.ZERO;
            }
            for (RRsetChange c : ordered) {
                Size one = size(zone, c);
                if (!batch.isEmpty() && !size.plus(one).fits(batch.size() + 1)) {
                    out.add(List.copyOf(batch));
                    batch = new ArrayList<>();
                    size = Size.ZERO;
                }
                batch.add(c);
                size = size.plus(one);
            }
        }
        if (!batch.isEmpty()) out.add(List.copyOf(batch));
        return out;
    }

    private static int order(RRsetChange c) {
        return c.after() == null ? 0 : c.before() == null ? 2 : 1;
    }

    /** ResourceRecord elements and characters of Value elements of (part of) a request. */
    record Size(int records, int chars) {
        static final Size ZERO = new Size(0, 0);

        Size plus(Size o) {
            return new Size(records + o.records, chars + o.chars);
        }

        boolean fits(int rrsets) {
            return records <= MAX_RECORDS && chars <= MAX_VALUE_CHARS && rrsets <= MAX_BATCH;
        }
    }

    /** What one change adds to a request: its DELETE's records and values, and its CREATE's. */
    Size size(String zone, RRsetChange c) {
        int records = 0;
        int chars = 0;
        if (c.before() != null) {
            for (String v : deleteValues(zone, c.before()).values()) {
                records++;
                chars += v.length();
            }
        }
        if (c.after() != null) {
            for (String d : c.after().rdata()) {
                records++;
                chars += value(c.key().type(), d).length();
            }
        }
        return new Size(records, chars);
    }

    /** The TTL and values a DELETE of this before-image sends: exactly what Route 53 returned when it matches. */
    private Held deleteValues(String zone, RRset before) {
        Held h = held.getOrDefault(Names.canonical(zone), Map.of()).get(before.key());
        if (h != null && h.normalised().equals(before)) return h;
        List<String> values = before.rdata().stream().map(d -> value(before.type(), d)).toList();
        return new Held(before, before.ttl(), values);
    }

    @Override
    public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
        String z = Names.canonical(zone);
        if (batch.isEmpty()) return;
        Set<RRsetKey> keys = new HashSet<>();
        Size size = Size.ZERO;
        for (RRsetChange c : batch) {
            if (!c.zone().equals(z)) throw new IllegalArgumentException("change for " + c.zone() + " in a batch for " + z);
            if (!keys.add(c.key())) {
                throw new ProviderException(Kind.INVALID, c.key() + " appears twice in one batch; Route 53 refuses that");
            }
            if (!TYPES.contains(c.key().type())) {
                throw new ProviderException(Kind.INVALID, c.key() + ": Route 53 does not serve " + c.key().type()
                        + " records; it serves " + new java.util.TreeSet<>(TYPES));
            }
            Size one = size(z, c);
            if (!one.fits(1)) {
                throw new ProviderException(Kind.INVALID, c.key() + " needs " + one.records() + " ResourceRecord elements"
                        + " and " + one.chars() + " characters of values to replace, more than one Route 53 request may"
                        + " hold (" + MAX_RECORDS + " and " + MAX_VALUE_CHARS + "): nothing was written");
            }
            size = size.plus(one);
        }
        if (!size.fits(batch.size())) {
            throw new ProviderException(Kind.INVALID, "a batch of " + batch.size() + " RRsets for zone " + z + " needs "
                    + size.records() + " ResourceRecord elements and " + size.chars() + " characters of values, more than"
                    + " one Route 53 request may hold (" + MAX_RECORDS + " and " + MAX_VALUE_CHARS + "); batches() splits"
                    + " changes within these limits: nothing was written");
        }
        String id = zoneId(z);
        String where = "zone " + z + " on " + describe() + " (hosted zone " + id + ")";
        byte[] body = changeRequest(z, batch);
        String what = "writing " + batch.size() + " RRset" + (batch.size() == 1 ? "" : "s") + " to zone " + z;
        Xml answer;
        try {
            answer = api.post(api.url("hostedzone", id, "rrset", "").build(), body, what);
        } catch (Route53Api.InvalidChangeBatch e) {
            throw invalidBatch(z, id, where, batch, e);
        }
        String changeId = stripPrefix(answer.text("ChangeInfo", "Id"), "/change/");
        if (changeId == null) {
            throw new ProviderException(Kind.SERVER, what + ": " + api.where() + " accepted the change but gave no"
                    + " change id to follow; reading the records back decides whether it landed");
        }
        if (!"INSYNC".equals(answer.text("ChangeInfo", "Status"))) awaitInSync(changeId, what);
        Images.requireAfterImages(readBack(z, id, batch), batch, where,
                "Route 53 accepted the change and ignored part of it, or someone else wrote in between");
    }

    /** The ChangeResourceRecordSetsRequest: every DELETE (before-images as read), then every CREATE. */
    private byte[] changeRequest(String zone, List<RRsetChange> batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("ChangeResourceRecordSetsRequest");
            w.writeDefaultNamespace(Route53Api.NAMESPACE);
            w.writeStartElement("ChangeBatch");
            element(w, "Comment", "migrate: compare-and-set of " + batch.size() + " RRset" + (batch.size() == 1 ? "" : "s"));
            w.writeStartElement("Changes");
            for (RRsetChange c : batch) {
                if (c.before() != null) {
                    Held h = deleteValues(zone, c.before());
                    change(w, "DELETE", c.key(), h.ttl(), h.values());
                }
            }
            for (RRsetChange c : batch) {
                if (c.after() != null) {
                    change(w, "CREATE", c.key(), c.after().ttl(),
                            c.after().rdata().stream().map(d -> value(c.key().type(), d)).toList());
                }
            }
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write a Route 53 change request: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void change(XMLStreamWriter w, String action, RRsetKey key, long ttl, List<String> values)
            throws XMLStreamException {
        w.writeStartElement("Change");
        element(w, "Action", action);
        w.writeStartElement("ResourceRecordSet");
        element(w, "Name", Route53Names.encode(key.name()));
        element(w, "Type", key.type());
        element(w, "TTL", Long.toString(ttl));
        w.writeStartElement("ResourceRecords");
        for (String v : values) {
            w.writeStartElement("ResourceRecord");
            element(w, "Value", v);
            w.writeEndElement();
        }
        w.writeEndElement();
        w.writeEndElement();
        w.writeEndElement();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    /** Route 53's messages that mean a before-image did not hold: nothing of the batch was written. */
    private static final Pattern CONFLICT_MESSAGE = Pattern.compile(
            "values provided do not match the current values|but it was not found|but it already exists");
    private static final Pattern NAMED_RRSET = Pattern.compile("name='([^']*)', type='([^']*)'");

    /**
     * An InvalidChangeBatch: CONFLICT when Route 53 says a DELETE did not match or a CREATE found the RRset
     * there (then the live data of each RRset that differs is read, for the message), INVALID otherwise.
     * Either way Route 53 wrote nothing.
     */
    private ProviderException invalidBatch(String zone, String id, String where, List<RRsetChange> batch,
            Route53Api.InvalidChangeBatch e) {
        if (!CONFLICT_MESSAGE.matcher(String.join("\n", e.messages())).find()) {
            return new ProviderException(Kind.INVALID, e.getMessage() + "; Route 53 wrote nothing of this batch");
        }
        List<RRsetKey> named = new ArrayList<>();
        Matcher m = NAMED_RRSET.matcher(String.join("\n", e.messages()));
        while (m.find()) {
            try {
                RRsetKey k = new RRsetKey(Route53Names.decode(m.group(1)), m.group(2));
                if (!named.contains(k)) named.add(k);
            } catch (IllegalArgumentException notAKey) {
                // Route 53's wording changed: the re-read below still names the RRsets
            }
        }
        try {
            ZoneSnapshot live = readBack(zone, id, batch);
            List<RRsetKey> stale = Images.staleBeforeImages(live, batch);
            if (!stale.isEmpty()) {
                try {
                    Images.requireBeforeImages(live, batch, where);
                } catch (ProviderException conflict) {
                    return conflict;
                }
            }
        } catch (ProviderException readFailure) {
            // The message below still says what Route 53 said.
        }
        return Images.conflict(where, named.isEmpty() ? batch.stream().map(RRsetChange::key).toList() : named,
                "; " + e.getMessage());
    }

    /** Polls GetChange until INSYNC: pauses doubling from {@link Sync#firstPoll} up to {@link Sync#maxPoll}. */
    private void awaitInSync(String changeId, String what) throws ProviderException {
        long start = nanoTime.getAsLong();
        long deadline = start + sync.timeout().toNanos();
        Duration pause = sync.firstPoll();
        String status = "PENDING";
        while (true) {
            long left = deadline - nanoTime.getAsLong();
            if (left <= 0) break;
            try {
                sleeper.sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException(Kind.TIMEOUT, what + ": interrupted while waiting for change " + changeId);
            }
            Xml x = api.get(api.url("change", changeId).build(), "asking Route 53 about change " + changeId);
            status = String.valueOf(x.text("ChangeInfo", "Status"));
            if (status.equals("INSYNC")) return;
            pause = pause.multipliedBy(2).compareTo(sync.maxPoll()) > 0 ? sync.maxPoll() : pause.multipliedBy(2);
        }
        // Transient, so the engine tries again; the retry's DELETE no longer matches and changes nothing, and
        // the engine then finds the change landed by reading it back.
        throw new ProviderException(Kind.TIMEOUT, what + ": Route 53 accepted change " + changeId + " but it is still "
                + status + " after " + Durations.human(sync.timeout()) + " (syncTimeout): its nameservers do not all"
                + " serve it yet");
    }

    /** The zone's RRsets this batch touches, as Route 53 holds them now (remembered for the next DELETE). */
    private ZoneSnapshot readBack(String zone, String id, List<RRsetChange> batch) throws ProviderException {
        if (batch.size() > READ_BACK_ONE_BY_ONE) return read(zone);
        List<Listed> found = new ArrayList<>();
        for (RRsetChange c : batch) {
            for (Listed l : list(zone, id, c.key().name(), c.key().type(), 1)) {
                if (l.key().equals(c.key())) found.add(l);
            }
        }
        return remember(zone, snapshot(zone, id, found), batch.stream().map(RRsetChange::key).toList());
    }

    @Override
    public void close() {
        api.close();
    }
}
