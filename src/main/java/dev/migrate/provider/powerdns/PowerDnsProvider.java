package dev.migrate.provider.powerdns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.secret.Secret;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A zone on a PowerDNS Authoritative server, through its HTTP API
 * (https://doc.powerdns.com/authoritative/http-api/zone.html).
 *
 * <p>A batch is one {@code PATCH} of rrsets, which the server applies in one backend transaction. The API
 * has no conditional write, so each batch reads the zone, compares every before-image, writes, and reads
 * back: a change made by someone else between our read and our write is not caught, which is why the
 * capabilities say compareAndSet=false.
 */
public final class PowerDnsProvider implements DnsProvider {
    /**
     * PowerDNS takes any TTL RFC 2181 allows and any type it knows. It documents no limit on a PATCH; the
     * bound only keeps one request body to a few megabytes.
     */
    static final Capabilities CAPABILITIES = new Capabilities(true, false, 0, RRset.MAX_TTL,
            java.util.Set.of(), true, 10_000);

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    /** Attempts for a request that failed for a reason that may pass (server down, 5xx, timeout). */
    static final int ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    private final HttpUrl apiUrl;
    private final String server;
    private final Secret apiKey;
    private final boolean notify;
    private final OkHttpClient http;
    private final Sleeper sleeper;
    private final Map<String, String> zoneIds = new ConcurrentHashMap<>();

    /**
     * @param url the server's web server address, e.g. {@code http://127.0.0.1:8081} (a trailing
     *            {@code /api/v1} is accepted)
     */
    public PowerDnsProvider(HttpUrl url, String server, Secret apiKey, boolean notify, Duration timeout, Sleeper sleeper) {
        HttpUrl.Builder b = url.newBuilder();
        List<String> segs = new ArrayList<>(url.pathSegments());
        segs.removeIf(String::isEmpty);
        if (segs.size() >= 2 && segs.get(segs.size() - 2).equals("api") && segs.get(segs.size() - 1).equals("v1")) {
            segs = segs.subList(0, segs.size() - 2);
        }
        b.encodedPath("/");
        for (String s : segs) b.addPathSegment(s);
        this.apiUrl = b.addPathSegment("api").addPathSegment("v1").addPathSegment("servers").addPathSegment(server).build();
        this.server = server;
        this.apiKey = apiKey;
        this.notify = notify;
        this.http = HttpProviders.client(timeout);
        this.sleeper = sleeper;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String describe() {
        return "powerdns " + apiUrl.scheme() + "://" + apiUrl.host() + ":" + apiUrl.port() + " server " + server;
    }

    @Override
    public ZoneSnapshot read(String zone) throws ProviderException {
        return snapshot(zone, fetchZone(zone));
    }

    @Override
    public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
        String z = Names.canonical(zone);
        if (batch.isEmpty()) return;
        for (RRsetChange c : batch) {
            if (!c.zone().equals(z)) {
                throw new IllegalArgumentException("change for " + c.zone() + " in a batch for " + z);
            }
        }
        JsonNode raw = fetchZone(z);
        ZoneSnapshot live = snapshot(z, raw);
        Images.requireBeforeImages(live, batch, "zone " + z + " on " + describe());

        ObjectNode body = HttpProviders.JSON.createObjectNode();
        ArrayNode sets = body.putArray("rrsets");
        // Deletions first: PowerDNS checks each rrset against the zone as the earlier ones left it, so a CNAME
        // that gives way to an A at the same name must be gone before the A arrives (RFC 1034 §3.6.2).
        List<RRsetChange> ordered = new ArrayList<>(batch);
        ordered.sort(java.util.Comparator.comparing(c -> c.after() != null));
        for (RRsetChange c : ordered) {
            ObjectNode o = sets.addObject();
            o.put("name", c.key().name());
            o.put("type", c.key().type());
            if (c.after() == null) {
                o.put("changetype", "DELETE");
                continue;
            }
            // REPLACE sets the whole RRset, so sending it again after a lost answer gives the same result:
            // that is what makes the PATCH safe for the engine to retry.
            o.put("changetype", "REPLACE");
            o.put("ttl", c.after().ttl());
            ArrayNode recs = o.putArray("records");
            for (String d : c.after().rdata()) recs.addObject().put("content", d).put("disabled", false);
            // Disabled records are not part of the RRset anyone sees, but REPLACE would drop them: keep them.
            for (String d : disabledRecords(raw, c.key())) {
                if (!c.after().rdata().contains(d)) recs.addObject().put("content", d).put("disabled", true);
            }
        }
        String zoneId = zoneId(z);
        Request patch = request(zoneUrl(zoneId))
                .patch(RequestBody.create(body.toString(), JSON_TYPE))
                .build();
        // Sent once: the engine is the one place that retries a write, and journals each try.
        call(patch, "writing " + batch.size() + " RRset" + (batch.size() == 1 ? "" : "s") + " to zone " + z, z, false);

        Images.requireAfterImages(read(z), batch, "zone " + z + " on " + describe(),
                "someone else wrote in between, or the server rewrote the data");
        if (notify) notifySecondaries(z, zoneId);
    }

    /**
     * Asks the server to send NOTIFY (RFC 1996) for the zone now. NOTIFY is advisory: secondaries still pick
     * the change up at their SOA refresh, so a failure here does not undo or fail a change that is already
     * committed; the zone kind is checked when the zone is read instead (see {@link #snapshot}).
     */
    private void notifySecondaries(String zone, String zoneId) {
        Request put = request(zoneUrl(zoneId).newBuilder().addPathSegment("notify").build())
                .put(RequestBody.create(new byte[0], null)).build();
        try {
            call(put, "asking for NOTIFY of zone " + zone, zone, false);
        } catch (ProviderException e) {
            // Deliberately not fatal: see above.
        }
    }

    private JsonNode fetchZone(String zone) throws ProviderException {
        String z = Names.canonical(zone);
        String id = zoneId(z);
        JsonNode n = call(request(zoneUrl(id)).get().build(), "reading zone " + z, z, true);
        if (n == null || !n.path("rrsets").isArray()) {
            throw new ProviderException(Kind.SERVER, describe() + " answered the read of zone " + z
                    + " without rrsets; is " + apiUrl + " a PowerDNS Authoritative API?");
        }
        if (notify) {
            String kind = n.path("kind").asText("");
            if (!kind.equalsIgnoreCase("Master") && !kind.equalsIgnoreCase("Primary")) {
                throw new ProviderException(Kind.INVALID, "provider powerdns: notify is true, but zone " + z
                        + " is a " + kind + " zone on " + describe() + "; PowerDNS only sends NOTIFY for primary"
                        + " zones: set notify: false, or make the zone Primary (kind Master)");
            }
        }
        return n;
    }

    /**
     * The zone's opaque id: the API documents ids as assigned by the server and not to be derived from the
     * name, so ask for it ({@code GET .../zones?zone=NAME}) once per zone.
     */
    private String zoneId(String zone) throws ProviderException {
        String cached = zoneIds.get(zone);
        if (cached != null) return cached;
        HttpUrl u = apiUrl.newBuilder().addPathSegment("zones").addQueryParameter("zone", zone)
                .addQueryParameter("dnssec", "false").build();
        JsonNode list = call(request(u).get().build(), "looking up zone " + zone, zone, true);
        if (list != null && list.isArray()) {
            for (JsonNode n : list) {
                if (Names.canonical(n.path("name").asText(".")).equals(zone) && n.hasNonNull("id")) {
                    zoneIds.put(zone, n.get("id").asText());
                    return n.get("id").asText();
                }
            }
        }
        throw new ProviderException(Kind.NOT_FOUND, "zone " + zone + " does not exist on " + describe()
                + ": create it there first (pdnsutil create-zone, or POST /zones), or check 'server' and the zone name");
    }

    private HttpUrl zoneUrl(String zoneId) {
        return apiUrl.newBuilder().addPathSegment("zones").addPathSegment(zoneId).build();
    }

    private Request.Builder request(HttpUrl url) {
        return new Request.Builder().url(url)
                .header("X-API-Key", apiKey.reveal())
                .header("Accept", "application/json");
    }

    /**
     * Sends a request, retrying what may pass (unreachable, timeout, 5xx) a bounded number of times when
     * {@code retry} says the request is safe to repeat, and maps failures to operator messages.
     */
    private JsonNode call(Request req, String what, String zone, boolean retry) throws ProviderException {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                return once(req, what, zone);
            } catch (ProviderException e) {
                if (!retry || !e.kind().isTransient() || attempt >= ATTEMPTS) throw e;
            }
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException(Kind.TIMEOUT, what + ": interrupted");
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    private JsonNode once(Request req, String what, String zone) throws ProviderException {
        String where = "PowerDNS API at " + apiUrl.scheme() + "://" + apiUrl.host() + ":" + apiUrl.port();
        try (Response r = http.newCall(req).execute()) {
            String text = r.body() == null ? "" : r.body().string();
            int code = r.code();
            if (code >= 200 && code < 300) return HttpProviders.parse(text);
            String err = serverError(text);
            String msg = what + ": " + where + " answered HTTP " + code + (err.isEmpty() ? "" : " (" + err + ")");
            throw switch (code) {
                case 401, 403 -> new ProviderException(Kind.AUTH, what + ": " + where + " refused the API key from "
                        + apiKey.origin() + " (HTTP " + code + "): wrong API key; it must equal api-key in the"
                        + " server's pdns.conf");
                case 404 -> new ProviderException(Kind.NOT_FOUND, msg + ": check the zone name and that 'server' ("
                        + server + ") is the server id the API uses (usually localhost)");
                case 422 -> new ProviderException(Kind.INVALID, msg + ": the server rejected the request"
                        + (zone == null ? "" : " for zone " + zone));
                default -> code >= 500
                        ? new ProviderException(Kind.SERVER, msg + ": the server failed; see its log")
                        : new ProviderException(Kind.INVALID, msg);
            };
        } catch (IOException e) {
            ProviderException p = HttpProviders.transportFailure(what + ": " + where, e);
            if (p.kind() == Kind.UNREACHABLE) {
                return rethrow(new ProviderException(Kind.UNREACHABLE, p.getMessage()
                        + "; is pdns_server running with api=yes and webserver=yes, and is 'url' right?", e));
            }
            return rethrow(p);
        }
    }

    private static JsonNode rethrow(ProviderException e) throws ProviderException {
        throw e;
    }

    /** PowerDNS error bodies are {@code {"error": "..."}} (sometimes with an {@code errors} list). */
    private static String serverError(String body) {
        JsonNode n = HttpProviders.parse(body);
        if (n == null) return HttpProviders.quote(body);
        List<String> parts = new ArrayList<>();
        if (n.hasNonNull("error")) parts.add(n.get("error").asText());
        if (n.path("errors").isArray()) n.get("errors").forEach(x -> parts.add(x.asText()));
        return HttpProviders.quote(parts.isEmpty() ? body : String.join("; ", parts));
    }

    /**
     * The zone as DNS clients see it: disabled records are left out. RRsets of a type dnsjava does not know
     * (PowerDNS's own ALIAS, LUA) are left out too: no plan can name them, and they cannot be compared.
     */
    private ZoneSnapshot snapshot(String zone, JsonNode raw) throws ProviderException {
        String z = Names.canonical(zone);
        Map<RRsetKey, RRset> sets = new LinkedHashMap<>();
        for (JsonNode s : raw.path("rrsets")) {
            String type = s.path("type").asText();
            String name = s.path("name").asText();
            if (org.xbill.DNS.Type.value(type.toUpperCase(Locale.ROOT)) < 0) continue;
            List<String> data = new ArrayList<>();
            for (JsonNode rec : s.path("records")) {
                if (rec.path("disabled").asBoolean(false)) continue;
                try {
                    data.add(Rdata.normalise(type, rec.path("content").asText(), z));
                } catch (IllegalArgumentException e) {
                    throw new ProviderException(Kind.SERVER, "zone " + z + " on " + describe() + ": " + name + " " + type
                            + " holds data this tool cannot read: " + e.getMessage());
                }
            }
            if (data.isEmpty()) continue;
            RRset set = new RRset(name, type, s.path("ttl").asLong(), data);
            sets.put(set.key(), set);
        }
        return new ZoneSnapshot(z, sets.values());
    }

    private static List<String> disabledRecords(JsonNode raw, RRsetKey key) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : raw.path("rrsets")) {
            if (!Names.canonical(s.path("name").asText(".")).equals(key.name())
                    || !s.path("type").asText().equalsIgnoreCase(key.type())) continue;
            for (JsonNode rec : s.path("records")) {
                if (rec.path("disabled").asBoolean(false)) out.add(rec.path("content").asText());
            }
        }
        return out;
    }

    @Override
    public void close() {
        HttpProviders.shutdown(http);
    }
}
