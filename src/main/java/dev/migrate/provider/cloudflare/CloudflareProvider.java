package dev.migrate.provider.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.RRsetNote;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.Images;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.secret.Secret;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A zone on Cloudflare, through API v4 with an API token.
 *
 * <p>Cloudflare holds single records, each with its own id, TTL and proxied flag; this adapter groups them
 * into RRsets (the TTL of an RRset is the lowest of its records', RFC 2181 §5.2). Writes go through
 * {@code POST /zones/{id}/dns_records/batch}, which Cloudflare runs "in a single database transaction"
 * (deletes, then patches, then puts, then posts; any failure applies nothing), although its edge picks up
 * each record on its own (developers.cloudflare.com/dns/manage-dns-records/how-to/batch-record-changes).
 * There is no conditional write: each batch lists the zone, compares before-images, then writes.
 */
public final class CloudflareProvider implements DnsProvider {
    /**
     * TTL 60..86400 for DNS-only records (30 only on Enterprise); 1 means "auto", which Cloudflare serves as
     * 300 s; proxied records are always auto (developers.cloudflare.com/dns/manage-dns-records/reference/ttl/).
     */
    static final long MIN_TTL = 60;
    static final long MAX_TTL = 86400;
    static final long AUTO_TTL_VALUE = 1;
    static final long AUTO_TTL_SECONDS = 300;
    /** Records per batch request on the Free plan; Pro and above allow 3,500. */
    static final int DEFAULT_BATCH_SIZE = 200;
    static final Capabilities CAPABILITIES = capabilities(DEFAULT_BATCH_SIZE);

    static final String DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
    /** Records per page when listing (the documented default page size). */
    static final int PAGE_SIZE = 100;
    /** A zone of a million records is 10,000 pages: far beyond any real zone, but a bound on the loop. */
    static final int MAX_PAGES = 10_000;
    /** 429s in a row before giving up; the limit is 1,200 requests per 5 minutes per token. */
    static final int RATE_LIMIT_WAITS = 5;
    /** Longest single wait a Retry-After may ask for before we give up instead (the window is 5 minutes). */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    /** Attempts for a failure that may pass (5xx, unreachable, timeout) when repeating is safe. */
    static final int ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    /** Error codes Cloudflare uses for a token it does not accept, whatever the HTTP status. */
    private static final Set<Integer> AUTH_CODES = Set.of(6003, 6111, 9103, 9106, 9109, 10000, 10001);

    private final HttpUrl base;
    private final Secret token;
    private final int batchSize;
    private final OkHttpClient http;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Map<String, String> zoneIds = new ConcurrentHashMap<>();

    public CloudflareProvider(HttpUrl base, Secret token, int batchSize, Duration timeout, Sleeper sleeper, Clock clock) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1");
        this.base = base;
        this.token = token;
        this.batchSize = batchSize;
        this.http = HttpProviders.client(timeout);
        this.sleeper = sleeper;
        this.clock = clock;
    }

    static Capabilities capabilities(int batchSize) {
        return new Capabilities(true, false, MIN_TTL, MAX_TTL, CloudflareRecords.TYPES, false, batchSize);
    }

    @Override
    public Capabilities capabilities() {
        return capabilities(batchSize);
    }

    @Override
    public String describe() {
        return "cloudflare " + base.scheme() + "://" + base.host() + (base.port() == HttpUrl.defaultPort(base.scheme()) ? "" : ":" + base.port());
    }

    /** One Cloudflare record as this adapter uses it. */
    record CfRecord(String id, RRsetKey key, String rdata, long ttl, boolean proxied) {}

    @Override
    public ZoneSnapshot read(String zone) throws ProviderException {
        String z = Names.canonical(zone);
        return snapshot(z, list(z, zoneId(z)));
    }

    private static ZoneSnapshot snapshot(String zone, List<CfRecord> records) {
        Map<RRsetKey, List<CfRecord>> byKey = group(records);
        List<RRset> sets = new ArrayList<>();
        Map<RRsetKey, RRsetNote> notes = new TreeMap<>();
        for (var e : byKey.entrySet()) {
            long ttl = e.getValue().stream().mapToLong(CfRecord::ttl).min().orElseThrow();
            sets.add(new RRset(e.getKey().name(), e.getKey().type(), ttl, e.getValue().stream().map(CfRecord::rdata).toList()));
            // Cloudflare treats all A/AAAA records on a name as proxied when one of them is (its proxy status
            // docs), so one proxied record makes the RRset proxied.
            if (e.getValue().stream().anyMatch(CfRecord::proxied)) notes.put(e.getKey(), proxiedNote());
        }
        return new ZoneSnapshot(zone, sets, notes);
    }

    static RRsetNote proxiedNote() {
        return new RRsetNote(true, true, "proxied by Cloudflare: resolvers get Cloudflare's edge addresses, never"
                + " this data, so the swap takes effect at the edge at once and needs no TTL lowering; its TTL is"
                + " Cloudflare's auto (" + AUTO_TTL_SECONDS + " s) and is left as it is");
    }

    private static Map<RRsetKey, List<CfRecord>> group(List<CfRecord> records) {
        Map<RRsetKey, List<CfRecord>> byKey = new TreeMap<>();
        for (CfRecord r : records) byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        return byKey;
    }

    /**
     * Record operations one change can take: it deletes, patches or posts each record it touches once, so at
     * most as many as the larger of its images holds (see {@link #ops}).
     */
    static int operationsAtMost(RRsetChange c) {
        return Math.max(c.before() == null ? 0 : c.before().rdata().size(), c.after() == null ? 0 : c.after().rdata().size());
    }

    /**
     * Changes packed in order into batches of at most {@code batchSize} record operations, so that each batch
     * is one batch request, one transaction, and one journal entry. A change larger than that is a batch of
     * its own, which {@link #apply} refuses with a message.
     */
    @Override
    public List<List<RRsetChange>> batches(String zone, List<RRsetChange> changes) {
        List<List<RRsetChange>> out = new ArrayList<>();
        List<RRsetChange> batch = new ArrayList<>();
        int ops = 0;
        for (RRsetChange c : changes) {
            int n = operationsAtMost(c);
            if (!batch.isEmpty() && ops + n > batchSize) {
                out.add(List.copyOf(batch));
                batch = new ArrayList<>();
                ops = 0;
            }
            batch.add(c);
            ops += n;
        }
        if (!batch.isEmpty()) out.add(List.copyOf(batch));
        return out;
    }

    @Override
    public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
        String z = Names.canonical(zone);
        if (batch.isEmpty()) return;
        for (RRsetChange c : batch) {
            if (!c.zone().equals(z)) throw new IllegalArgumentException("change for " + c.zone() + " in a batch for " + z);
        }
        String id = zoneId(z);
        List<CfRecord> records = list(z, id);
        Map<RRsetKey, List<CfRecord>> live = group(records);
        ZoneSnapshot snap = snapshot(z, records);

        Images.requireBeforeImages(snap, batch, "zone " + z + " on Cloudflare");

        // Every change is checked before anything is sent, so a bad one cannot leave earlier pages applied.
        List<Ops> all = new ArrayList<>();
        for (RRsetChange c : batch) all.add(ops(c, live.getOrDefault(c.key(), List.of()), snap.ttlFixed(c.key())));
        // Deletions first, creations last: a CNAME created where an A is deleted must find the name free
        // even when the two land in different pages.
        all.sort(Comparator.comparingInt(Ops::order));
        List<List<Ops>> pages = new ArrayList<>();
        List<Ops> page = new ArrayList<>();
        int size = 0;
        for (Ops o : all) {
            if (o.size() > batchSize) {
                throw new ProviderException(Kind.INVALID, o.key() + " needs " + o.size() + " record operations, more"
                        + " than batchSize " + batchSize + " allows in one Cloudflare batch: raise batchSize (Pro and"
                        + " above allow 3,500)");
            }
            if (size + o.size() > batchSize && !page.isEmpty()) {
                pages.add(page);
                page = new ArrayList<>();
                size = 0;
            }
            page.add(o);
            size += o.size();
        }
        if (!page.isEmpty()) pages.add(page);

        HttpUrl url = base.newBuilder().addPathSegment("zones").addPathSegment(id)
                .addPathSegment("dns_records").addPathSegment("batch").build();
        for (int i = 0; i < pages.size(); i++) {
            List<Ops> p = pages.get(i);
            ObjectNode body = HttpProviders.JSON.createObjectNode();
            addAll(body, "deletes", p, Ops::deletes);
            addAll(body, "patches", p, Ops::patches);
            addAll(body, "posts", p, Ops::posts);
            Request req = request(url).post(RequestBody.create(body.toString(), JSON_TYPE)).build();
            String what = "writing " + p.size() + " RRset" + (p.size() == 1 ? "" : "s") + " to zone " + z
                    + (pages.size() > 1 ? " (batch " + (i + 1) + " of " + pages.size() + ")" : "");
            try {
                // A batch creates records: sending it twice after a lost answer could create them twice.
                call(req, what, false);
            } catch (ProviderException e) {
                if (i == 0) throw e;
                List<RRsetKey> applied = pages.subList(0, i).stream().flatMap(List::stream).map(Ops::key).toList();
                throw new ProviderException(e.kind(), e.getMessage() + "; the earlier batches, with " + applied
                        + ", were applied (each batch is its own transaction)", e.conflicts(), e);
            }
        }
    }

    private static void addAll(ObjectNode body, String field, List<Ops> page, java.util.function.Function<Ops, List<ObjectNode>> part) {
        ArrayNode a = null;
        for (Ops o : page) {
            for (ObjectNode n : part.apply(o)) {
                if (a == null) a = body.putArray(field);
                a.add(n);
            }
        }
    }

    /** The record operations one RRset change becomes. */
    record Ops(RRsetKey key, int order, List<ObjectNode> deletes, List<ObjectNode> patches, List<ObjectNode> posts) {
        int size() {
            return deletes.size() + patches.size() + posts.size();
        }
    }

    /**
     * Record operations for one change. Records that stay are patched only if their TTL moves; a record whose
     * data changes is patched in place (it keeps its id, comment, tags and proxied flag); what is left over
     * is deleted or created. Creations on a proxied RRset are proxied too.
     */
    private Ops ops(RRsetChange c, List<CfRecord> live, boolean proxied) throws ProviderException {
        String type = c.key().type();
        if (!CloudflareRecords.TYPES.contains(type)) {
            throw new ProviderException(Kind.INVALID, c.key() + ": this adapter writes only "
                    + new java.util.TreeSet<>(CloudflareRecords.TYPES) + " records on Cloudflare");
        }
        List<ObjectNode> deletes = new ArrayList<>();
        List<ObjectNode> patches = new ArrayList<>();
        List<ObjectNode> posts = new ArrayList<>();
        if (c.after() == null) {
            for (CfRecord r : live) deletes.add(idOnly(r.id()));
            return new Ops(c.key(), 0, deletes, patches, posts);
        }
        long ttl = c.after().ttl();
        if (proxied) {
            if (c.kind() == RRsetChange.Kind.TTL) {
                throw new ProviderException(Kind.INVALID, c.key() + " is proxied by Cloudflare: its TTL is auto ("
                        + AUTO_TTL_SECONDS + " s) and cannot be set to " + ttl);
            }
        } else if (ttl < MIN_TTL || ttl > MAX_TTL) {
            throw new ProviderException(Kind.INVALID, c.key() + ": Cloudflare accepts TTLs from " + MIN_TTL + " to "
                    + MAX_TTL + " s (30 only on Enterprise), not " + ttl);
        }
        List<String> wanted = c.after().rdata();
        List<CfRecord> removed = live.stream().filter(r -> !wanted.contains(r.rdata()))
                .sorted(Comparator.comparing(CfRecord::rdata)).toList();
        List<String> kept = live.stream().map(CfRecord::rdata).toList();
        List<String> added = wanted.stream().filter(d -> !kept.contains(d)).sorted().toList();
        for (CfRecord r : live) {
            if (wanted.contains(r.rdata()) && !proxied && r.ttl() != ttl) {
                ObjectNode p = idOnly(r.id());
                p.put("ttl", ttl);
                patches.add(p);
            }
        }
        int pairs = Math.min(removed.size(), added.size());
        for (int i = 0; i < pairs; i++) {
            ObjectNode p = idOnly(removed.get(i).id());
            CloudflareRecords.putData(p, type, added.get(i));
            if (!proxied) p.put("ttl", ttl);
            patches.add(p);
        }
        for (int i = pairs; i < removed.size(); i++) deletes.add(idOnly(removed.get(i).id()));
        for (int i = pairs; i < added.size(); i++) {
            ObjectNode p = HttpProviders.JSON.createObjectNode();
            p.put("name", CloudflareRecords.cfName(c.key().name()));
            p.put("type", type);
            CloudflareRecords.putData(p, type, added.get(i));
            if (proxied) {
                p.put("ttl", AUTO_TTL_VALUE);
                p.put("proxied", true);
            } else {
                p.put("ttl", ttl);
            }
            posts.add(p);
        }
        return new Ops(c.key(), c.before() == null ? 2 : 1, deletes, patches, posts);
    }

    private static ObjectNode idOnly(String id) {
        ObjectNode o = HttpProviders.JSON.createObjectNode();
        o.put("id", id);
        return o;
    }

    /** The zone's id: {@code GET /zones?name=NAME}, once per zone. */
    private String zoneId(String zone) throws ProviderException {
        String cached = zoneIds.get(zone);
        if (cached != null) return cached;
        String name = CloudflareRecords.cfName(zone);
        HttpUrl u = base.newBuilder().addPathSegment("zones").addQueryParameter("name", name).build();
        JsonNode n = call(request(u).get().build(), "looking up zone " + zone, true);
        List<String> ids = new ArrayList<>();
        for (JsonNode z : n.path("result")) {
            if (z.path("name").asText().equalsIgnoreCase(name) && z.hasNonNull("id")) ids.add(z.get("id").asText());
        }
        if (ids.isEmpty()) {
            throw new ProviderException(Kind.NOT_FOUND, "Cloudflare shows no zone " + name + " to the token from "
                    + token.origin() + ": check the zone name, and that the token's zone resources include it");
        }
        if (ids.size() > 1) {
            throw new ProviderException(Kind.INVALID, "the token from " + token.origin() + " sees " + ids.size()
                    + " zones named " + name + " (" + String.join(", ", ids) + "): use a token scoped to one account");
        }
        zoneIds.put(zone, ids.get(0));
        return ids.get(0);
    }

    /**
     * Every record of the zone, page by page ({@code result_info.total_pages}). Types this adapter does not
     * handle (Cloudflare's HTTPS, SVCB, URI, ...) are left out: no plan can target them here.
     */
    private List<CfRecord> list(String zone, String id) throws ProviderException {
        List<CfRecord> out = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            HttpUrl u = base.newBuilder().addPathSegment("zones").addPathSegment(id).addPathSegment("dns_records")
                    .addQueryParameter("page", Integer.toString(page))
                    .addQueryParameter("per_page", Integer.toString(PAGE_SIZE)).build();
            JsonNode n = call(request(u).get().build(), "listing the records of zone " + zone
                    + (page > 1 ? " (page " + page + ")" : ""), true);
            JsonNode result = n.path("result");
            for (JsonNode r : result) {
                String type = r.path("type").asText();
                if (!CloudflareRecords.TYPES.contains(type)) continue;
                String name = r.path("name").asText();
                String data;
                try {
                    data = CloudflareRecords.rdata(r);
                } catch (IllegalArgumentException e) {
                    throw new ProviderException(Kind.SERVER, "zone " + zone + " on Cloudflare: " + name + " " + type
                            + " (record " + r.path("id").asText() + ") holds data this tool cannot read: " + e.getMessage());
                }
                long ttl = r.path("ttl").asLong(AUTO_TTL_VALUE);
                boolean proxied = r.path("proxied").asBoolean(false);
                out.add(new CfRecord(r.path("id").asText(), new RRsetKey(name, type), data,
                        proxied || ttl == AUTO_TTL_VALUE ? AUTO_TTL_SECONDS : ttl, proxied));
            }
            int totalPages = n.path("result_info").path("total_pages").asInt(0);
            // Without total_pages, a short page is the last one.
            boolean last = totalPages > 0 ? page >= totalPages : result.size() < PAGE_SIZE;
            if (last || result.isEmpty()) return out;
        }
        throw new ProviderException(Kind.SERVER, "zone " + zone + " on Cloudflare: still more records after "
                + MAX_PAGES + " pages; stopping");
    }

    private Request.Builder request(HttpUrl url) {
        return new Request.Builder().url(url)
                .header("Authorization", "Bearer " + token.reveal())
                .header("Accept", "application/json");
    }

    /**
     * Sends a request and returns the body of a {@code success: true} answer. For a read ({@code idempotent}),
     * a 429 is waited out as its Retry-After says, a bounded number of times, and other failures that may pass
     * are retried; a write is retried only when it never left (connection refused). A write answered 429 is
     * RATE_LIMITED with Cloudflare's Retry-After, for the engine to retry.
     */
    private JsonNode call(Request req, String what, boolean idempotent) throws ProviderException {
        int waits = 0;
        int failures = 0;
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            ProviderException failure;
            try (Response r = http.newCall(req).execute()) {
                String text = r.body() == null ? "" : r.body().string();
                JsonNode n = HttpProviders.parse(text);
                if (r.code() == 429 && !idempotent) {
                    // Refused unread, so nothing was written; the engine is the one place that retries a write
                    // (and journals each try): tell it how long Cloudflare asked to wait.
                    Duration wait = retryAfter(r.header("Retry-After"), backoff);
                    throw new ProviderException(Kind.RATE_LIMITED, what + ": Cloudflare answered 429 (too many requests)"
                            + " and asks to wait " + wait.toSeconds() + " s; nothing was written", wait);
                }
                if (r.code() == 429) {
                    if (++waits > RATE_LIMIT_WAITS) {
                        throw new ProviderException(Kind.RATE_LIMITED, what + ": Cloudflare still answers 429 (too many"
                                + " requests) after " + RATE_LIMIT_WAITS + " waits; a token may make 1,200 requests per"
                                + " 5 minutes: try again later, or stop other tools using this token");
                    }
                    Duration wait = retryAfter(r.header("Retry-After"), backoff);
                    if (wait.compareTo(MAX_RETRY_AFTER) > 0) {
                        throw new ProviderException(Kind.RATE_LIMITED, what + ": Cloudflare answers 429 (too many"
                                + " requests) and asks to wait " + wait.toSeconds() + " s: try again later");
                    }
                    pause(wait, what);
                    backoff = backoff.multipliedBy(2);
                    continue;
                }
                if (r.isSuccessful() && n != null && n.path("success").asBoolean(false)) return n;
                failure = error(r.code(), n, text, what);
            } catch (IOException e) {
                failure = HttpProviders.transportFailure(what + ": Cloudflare API at " + base, e);
            }
            boolean again = failure.kind().isTransient() && (idempotent || HttpProviders.neverSent(failure));
            if (!again || ++failures >= ATTEMPTS) throw failure;
            pause(backoff, what);
            backoff = backoff.multipliedBy(2);
        }
    }

    private void pause(Duration d, String what) throws ProviderException {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.TIMEOUT, what + ": interrupted");
        }
    }

    /** Retry-After is seconds (what Cloudflare documents) or an HTTP date (RFC 9110 §10.2.3). */
    Duration retryAfter(String header, Duration fallback) {
        if (header == null || header.isBlank()) return fallback;
        String h = header.trim();
        if (h.matches("\\d{1,9}")) return Duration.ofSeconds(Long.parseLong(h));
        try {
            Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    /** Turns an error answer ({@code {success: false, errors: [{code, message}]}}) into an operator's message. */
    private ProviderException error(int status, JsonNode n, String text, String what) {
        List<String> parts = new ArrayList<>();
        Set<Integer> codes = new java.util.HashSet<>();
        if (n != null) {
            for (JsonNode e : n.path("errors")) {
                codes.add(e.path("code").asInt());
                StringBuilder b = new StringBuilder();
                b.append(e.path("code").asInt()).append(' ').append(e.path("message").asText());
                for (JsonNode c : e.path("error_chain")) {
                    codes.add(c.path("code").asInt());
                    b.append(" (").append(c.path("code").asInt()).append(' ').append(c.path("message").asText()).append(')');
                }
                parts.add(b.toString());
            }
        }
        String errs = parts.isEmpty() ? HttpProviders.quote(text) : HttpProviders.quote(String.join("; ", parts));
        String said = "HTTP " + status + (errs.isEmpty() ? "" : ": " + errs);
        boolean authCode = codes.stream().anyMatch(AUTH_CODES::contains);
        if (status == 401 || status == 403 || authCode && status < 500) {
            return new ProviderException(Kind.AUTH, what + ": Cloudflare refused the API token from " + token.origin()
                    + " (" + said + "): check that the token is current and allows Zone Read and DNS Edit on this zone");
        }
        if (status == 404) return new ProviderException(Kind.NOT_FOUND, what + ": Cloudflare answered " + said);
        if (status >= 500) return new ProviderException(Kind.SERVER, what + ": Cloudflare failed on its side (" + said + ")");
        if (status >= 200 && status < 300) {
            return new ProviderException(Kind.INVALID, what + ": Cloudflare did not report success (" + said + ")");
        }
        return new ProviderException(Kind.INVALID, what + ": Cloudflare refused the request (" + said + ")");
    }

    @Override
    public void close() {
        HttpProviders.shutdown(http);
    }
}
