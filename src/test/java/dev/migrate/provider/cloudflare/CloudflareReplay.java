package dev.migrate.provider.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Cloudflare API v4 payloads in the shapes its API reference documents (the {success, errors, messages,
 * result, result_info} envelope; record objects with id, name, type, content, proxiable, proxied, ttl,
 * ...), replayed through MockWebServer, and checks on the requests the adapter sends.
 */
final class CloudflareReplay {
    private CloudflareReplay() {}

    static final ObjectMapper JSON = new ObjectMapper();
    /** The zone id Cloudflare's own API examples use. */
    static final String ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
    static final String TOKEN = "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY";

    static String zones(String name) {
        return """
                {"success":true,"errors":[],"messages":[],
                 "result":[{"id":"%s","name":"%s","status":"active","paused":false,"type":"full",
                   "name_servers":["bob.ns.cloudflare.com","lola.ns.cloudflare.com"]}],
                 "result_info":{"page":1,"per_page":20,"count":1,"total_count":1,"total_pages":1}}"""
                .formatted(ZONE_ID, name);
    }

    static String noZones() {
        return """
                {"success":true,"errors":[],"messages":[],"result":[],
                 "result_info":{"page":1,"per_page":20,"count":0,"total_count":0,"total_pages":0}}""";
    }

    /** One record object as the list endpoint returns it. */
    static String record(String id, String name, String type, String content, long ttl, boolean proxied, String extra) {
        boolean proxiable = type.equals("A") || type.equals("AAAA") || type.equals("CNAME");
        return """
                {"id":"%s","zone_id":"%s","zone_name":"example.com","name":"%s","type":"%s","content":%s,
                 "proxiable":%s,"proxied":%s,"ttl":%d,"settings":{},"meta":{},"comment":null,"tags":[],
                 "created_on":"2024-01-01T05:20:00.12345Z","modified_on":"2024-01-01T05:20:00.12345Z"%s}"""
                .formatted(id, ZONE_ID, name, type, quote(content), proxiable, proxied, ttl,
                        extra == null ? "" : "," + extra);
    }

    static String record(String id, String name, String type, String content, long ttl) {
        return record(id, name, type, content, ttl, false, null);
    }

    static String page(List<String> records, int page, int totalPages, int totalCount) {
        return """
                {"success":true,"errors":[],"messages":[],"result":[%s],
                 "result_info":{"page":%d,"per_page":100,"count":%d,"total_count":%d,"total_pages":%d}}"""
                .formatted(String.join(",", records), page, records.size(), totalCount, totalPages);
    }

    static String batchResult() {
        return """
                {"success":true,"errors":[],"messages":[],
                 "result":{"deletes":[],"patches":[],"puts":[],"posts":[]}}""";
    }

    static String errors(int code, String message) {
        return """
                {"success":false,"errors":[{"code":%d,"message":"%s"}],"messages":[],"result":null}"""
                .formatted(code, message);
    }

    static MockResponse ok(String body) {
        return json(200, body);
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static RecordedRequest take(MockWebServer server) throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the replay server").isNotNull();
        return r;
    }

    /** Method, path with query, the token as a Bearer credential, and (when given) the exact JSON body. */
    static void assertRequest(RecordedRequest r, String method, String target, String jsonBody) throws Exception {
        assertThat(r.getMethod()).isEqualTo(method);
        assertThat(r.getTarget()).isEqualTo(target);
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
        if (jsonBody == null) {
            assertThat(r.getBodySize()).isZero();
        } else {
            assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
            assertThat(JSON.readTree(r.getBody().utf8())).isEqualTo(JSON.readTree(jsonBody));
        }
    }
}
