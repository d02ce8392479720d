package dev.migrate.provider.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A stateful stand-in for the parts of Cloudflare's API v4 the adapter uses, on 127.0.0.1, enforcing what
 * Cloudflare documents rather than replaying answers (developers.cloudflare.com/api/resources/dns/):
 * <ul>
 *   <li>{@code GET /zones?name=} finds zones; {@code GET /zones/{id}/dns_records} lists records, at most
 *       {@link #perPageMax} a page whatever is asked, with {@code result_info.total_pages};</li>
 *   <li>{@code POST /zones/{id}/dns_records/batch} runs deletes, then patches, then puts, then posts "in a
 *       single database transaction": any failing operation fails the whole batch and nothing changes.
 *       Operations are checked against the records as the earlier ones leave them: a record id must exist,
 *       TTL is 1 (auto) or 60..86400, A/AAAA content must be an address, a CNAME shares its name with no other
 *       record (and the other way round), an identical record may not be created twice; at most
 *       {@link #batchLimit} operations (200 on the Free plan);</li>
 *   <li>the API token as a Bearer credential, else 403; 429 with Retry-After on demand.</li>
 * </ul>
 */
final class FakeCloudflare implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One record as Cloudflare holds it. */
    record Rec(String id, String name, String type, String content, long ttl, boolean proxied, Integer priority) {}

    final MockWebServer server = new MockWebServer();
    final String token;
    final String zoneId;
    final String zoneName;
    private final Map<String, Rec> records = new LinkedHashMap<>();
    final List<JsonNode> batches = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Object[]> rateLimits = new ArrayList<>(); // {retryAfterSeconds, writesOnly}
    private int nextId;

    volatile int perPageMax = 3;
    volatile int batchLimit = 200;

    FakeCloudflare(String zoneName, String token) throws IOException {
        this.zoneName = zoneName.endsWith(".") ? zoneName.substring(0, zoneName.length() - 1) : zoneName;
        this.zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
        this.token = token;
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                synchronized (FakeCloudflare.this) {
                    return handle(r);
                }
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    String baseUrl() {
        return server.url("/client/v4").toString();
    }

    synchronized String add(String name, String type, String content, long ttl, boolean proxied, Integer priority) {
        String id = String.format("rec%05d", ++nextId);
        records.put(id, new Rec(id, bare(name), type, content, ttl, proxied, priority));
        return id;
    }

    /** The records at name/type, in id order. */
    synchronized List<Rec> at(String name, String type) {
        return records.values().stream().filter(r -> r.name().equalsIgnoreCase(bare(name)) && r.type().equals(type)).toList();
    }

    /** Someone else at the dashboard: the records at name/type replaced, no checks. */
    synchronized void replace(String name, String type, long ttl, List<String> contents, Integer priority) {
        records.values().removeIf(r -> r.name().equalsIgnoreCase(bare(name)) && r.type().equals(type));
        for (String c : contents) add(name, type, c, ttl, false, priority);
    }

    synchronized List<Rec> all() {
        return List.copyOf(records.values());
    }

    /** The next {@code n} requests (only batch writes when {@code writesOnly}) get 429 with Retry-After. */
    synchronized void rateLimitNext(int n, int retryAfterSeconds, boolean writesOnly) {
        for (int i = 0; i < n; i++) rateLimits.add(new Object[] {retryAfterSeconds, writesOnly});
    }

    private MockResponse handle(RecordedRequest r) {
        HttpUrl url = r.getUrl();
        requests.add(r.getMethod() + " " + url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery()));
        if (!("Bearer " + token).equals(r.getHeaders().get("Authorization"))) {
            return error(403, 10000, "Authentication error");
        }
        boolean write = r.getMethod().equals("POST");
        for (int i = 0; i < rateLimits.size(); i++) {
            Object[] l = rateLimits.get(i);
            if (!(Boolean) l[1] || write) {
                rateLimits.remove(i);
                return new MockResponse.Builder().code(429).addHeader("Retry-After", String.valueOf(l[0]))
                        .addHeader("Content-Type", "application/json")
                        .body(envelope(false, null, 971, "Please wait and consider throttling your request speed")).build();
            }
        }
        List<String> p = url.pathSegments();
        if (p.size() < 3 || !p.get(0).equals("client") || !p.get(1).equals("v4") || !p.get(2).equals("zones")) {
            return error(404, 7003, "Could not route to " + url.encodedPath());
        }
        if (r.getMethod().equals("GET") && p.size() == 3) return zones(url.queryParameter("name"));
        if (p.size() < 5 || !p.get(3).equals(zoneId) || !p.get(4).equals("dns_records")) {
            return error(404, 7003, "Could not route to " + url.encodedPath());
        }
        if (r.getMethod().equals("GET") && p.size() == 5) return list(url);
        if (write && p.size() == 6 && p.get(5).equals("batch")) {
            try {
                return batch(JSON.readTree(r.getBody().utf8()));
            } catch (IOException e) {
                return error(400, 9207, "Request body is invalid.");
            }
        }
        return error(405, 10000, "Method not allowed");
    }

    private MockResponse zones(String name) {
        ArrayNode result = JSON.createArrayNode();
        if (name == null || name.equalsIgnoreCase(zoneName)) {
            ObjectNode z = result.addObject();
            z.put("id", zoneId).put("name", zoneName).put("status", "active").put("type", "full");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("success", true).putArray("errors");
        root.putArray("messages");
        root.set("result", result);
        root.putObject("result_info").put("page", 1).put("per_page", 20).put("count", result.size())
                .put("total_count", result.size()).put("total_pages", result.isEmpty() ? 0 : 1);
        return ok(root);
    }

    private MockResponse list(HttpUrl url) {
        int page = Math.max(1, Integer.parseInt(orElse(url.queryParameter("page"), "1")));
        int perPage = Math.min(perPageMax, Math.max(1, Integer.parseInt(orElse(url.queryParameter("per_page"), "100"))));
        List<Rec> sorted = new ArrayList<>(records.values());
        sorted.sort(Comparator.comparing(Rec::name).thenComparing(Rec::type).thenComparing(Rec::id));
        ArrayNode result = JSON.createArrayNode();
        for (int i = (page - 1) * perPage; i < Math.min(sorted.size(), page * perPage); i++) result.add(json(sorted.get(i)));
        ObjectNode root = JSON.createObjectNode();
        root.put("success", true).putArray("errors");
        root.putArray("messages");
        root.set("result", result);
        root.putObject("result_info").put("page", page).put("per_page", perPage).put("count", result.size())
                .put("total_count", sorted.size()).put("total_pages", (sorted.size() + perPage - 1) / perPage);
        return ok(root);
    }

    private ObjectNode json(Rec r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id()).put("zone_id", zoneId).put("zone_name", zoneName).put("name", r.name()).put("type", r.type())
                .put("content", r.content()).put("proxiable", List.of("A", "AAAA", "CNAME").contains(r.type()))
                .put("proxied", r.proxied()).put("ttl", r.ttl());
        if (r.priority() != null) o.put("priority", r.priority());
        o.putObject("settings");
        o.putObject("meta");
        o.putNull("comment");
        o.putArray("tags");
        o.put("created_on", "2024-01-01T05:20:00.12345Z").put("modified_on", "2024-01-01T05:20:00.12345Z");
        return o;
    }

    private MockResponse batch(JsonNode body) {
        batches.add(body);
        int ops = 0;
        for (String part : List.of("deletes", "patches", "puts", "posts")) ops += body.path(part).size();
        if (ops > batchLimit) {
            return error(400, 1004, "DNS Validation Error: a batch may hold at most " + batchLimit + " operations, not " + ops);
        }
        Map<String, Rec> next = new LinkedHashMap<>(records);
        ObjectNode result = JSON.createObjectNode();
        try {
            ArrayNode out = result.putArray("deletes");
            for (JsonNode d : body.path("deletes")) {
                Rec gone = next.remove(d.path("id").asText());
                if (gone == null) throw new Refusal(81044, "Record does not exist.");
                out.add(json(gone));
            }
            out = result.putArray("patches");
            for (JsonNode pch : body.path("patches")) {
                Rec old = next.get(pch.path("id").asText());
                if (old == null) throw new Refusal(81044, "Record does not exist.");
                Rec changed = new Rec(old.id(), pch.has("name") ? bare(pch.get("name").asText()) : old.name(),
                        pch.has("type") ? pch.get("type").asText() : old.type(),
                        pch.has("content") ? pch.get("content").asText() : old.content(),
                        pch.has("ttl") ? pch.get("ttl").asLong() : old.ttl(),
                        pch.has("proxied") ? pch.get("proxied").asBoolean() : old.proxied(),
                        pch.has("priority") ? Integer.valueOf(pch.get("priority").asInt()) : old.priority());
                next.remove(old.id());
                check(next, changed);
                next.put(old.id(), changed);
                out.add(json(changed));
            }
            if (body.path("puts").size() > 0) throw new Refusal(1004, "this fake does not take puts");
            result.putArray("puts");
            out = result.putArray("posts");
            for (JsonNode post : body.path("posts")) {
                String id = String.format("rec%05d", nextId + 1);
                Rec created = new Rec(id, bare(post.path("name").asText()), post.path("type").asText(),
                        post.path("content").asText(), post.path("ttl").asLong(1), post.path("proxied").asBoolean(false),
                        post.has("priority") ? Integer.valueOf(post.get("priority").asInt()) : null);
                check(next, created);
                nextId++;
                next.put(id, created);
                out.add(json(created));
            }
        } catch (Refusal e) {
            return error(400, e.code, e.getMessage());
        }
        records.clear();
        records.putAll(next);
        ObjectNode root = JSON.createObjectNode();
        root.put("success", true).putArray("errors");
        root.putArray("messages");
        root.set("result", result);
        return ok(root);
    }

    /** One record checked against the others as they stand at that point of the batch. */
    private void check(Map<String, Rec> others, Rec r) throws Refusal {
        String name = r.name().toLowerCase(Locale.ROOT);
        if (!name.equals(zoneName) && !name.endsWith("." + zoneName)) {
            throw new Refusal(1004, "DNS Validation Error: " + r.name() + " is not in zone " + zoneName);
        }
        if (r.ttl() != 1 && (r.ttl() < 60 || r.ttl() > 86400)) {
            throw new Refusal(1004, "DNS Validation Error: ttl must be 1 (auto) or between 60 and 86400");
        }
        if (r.type().equals("A") && !r.content().matches("\\d{1,3}(\\.\\d{1,3}){3}")
                || r.type().equals("AAAA") && !r.content().contains(":")) {
            throw new Refusal(9005, "Content for " + r.type() + " record is invalid.");
        }
        if (r.type().equals("MX") && r.priority() == null) throw new Refusal(1004, "DNS Validation Error: MX needs a priority");
        for (Rec o : others.values()) {
            if (!o.name().equalsIgnoreCase(r.name())) continue;
            if (o.type().equals("CNAME") != r.type().equals("CNAME") || o.type().equals("CNAME") && r.type().equals("CNAME")) {
                throw new Refusal(81053, "An A, AAAA, or CNAME record with that host already exists.");
            }
            if (o.type().equals(r.type()) && o.content().equals(r.content())) {
                throw new Refusal(81058, "An identical record already exists.");
            }
        }
    }

    private static final class Refusal extends Exception {
        final int code;

        Refusal(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private static String envelope(boolean success, JsonNode result, int code, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("success", success);
        ArrayNode errors = root.putArray("errors");
        if (!success) errors.addObject().put("code", code).put("message", message);
        root.putArray("messages");
        root.set("result", result);
        return root.toString();
    }

    private static MockResponse ok(JsonNode root) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(root.toString()).build();
    }

    private static MockResponse error(int status, int code, String message) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
                .body(envelope(false, null, code, message)).build();
    }

    private static String bare(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String orElse(String s, String d) {
        return s == null ? d : s;
    }

    @Override
    public void close() {
        server.close();
    }
}
