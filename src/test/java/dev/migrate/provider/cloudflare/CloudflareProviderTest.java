package dev.migrate.provider.cloudflare;

import static dev.migrate.provider.cloudflare.CloudflareReplay.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.secret.Secret;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cloudflare adapter against replayed Cloudflare API payloads, asserting every request it sends. */
class CloudflareProviderTest {
    static final String Z = "example.com.";
    static final String LIST1 = "/client/v4/zones/" + ZONE_ID + "/dns_records?page=1&per_page=100";
    static final String BATCH = "/client/v4/zones/" + ZONE_ID + "/dns_records/batch";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

    MockWebServer server;
    List<Duration> slept = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    CloudflareProvider provider(int batchSize) {
        return new CloudflareProvider(server.url("/client/v4"), Secret.of(TOKEN, "environment variable CF_TOKEN"),
                batchSize, Duration.ofSeconds(5), slept::add, CLOCK);
    }

    CloudflareProvider provider() {
        return provider(200);
    }

    /** The records most tests start from. */
    static List<String> zoneRecords() {
        return List.of(
                record("a1", "example.com", "A", "203.0.113.10", 3600),
                record("w1", "www.example.com", "A", "203.0.113.10", 3600),
                record("w2", "www.example.com", "A", "203.0.113.11", 3600),
                record("m1", "example.com", "MX", "mail.example.com", 3600, false, "\"priority\":10"),
                record("t1", "example.com", "TXT", "\"v=spf1 ip4:203.0.113.25 -all\"", 3600),
                record("c1", "old.example.com", "CNAME", "www.example.com", 1));
    }

    @Test
    void listingGroupsRecordsIntoRRsetsWithTheExactRequests() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(List.of(
                record("a1", "example.com", "A", "203.0.113.10", 3600),
                // One record at 300 and one at 3600: the RRset's TTL is the lowest (RFC 2181 §5.2).
                record("w1", "www.example.com", "A", "203.0.113.10", 3600),
                record("w2", "www.example.com", "A", "203.0.113.11", 300),
                record("m1", "example.com", "MX", "mail.example.com", 3600, false, "\"priority\":10"),
                record("t1", "example.com", "TXT", "\"v=spf1 ip4:203.0.113.25 -all\"", 3600),
                // Written before Cloudflare asked for quotes: one string, spaces and all.
                record("t2", "legacy.example.com", "TXT", "hello old world", 3600),
                record("c1", "old.example.com", "CNAME", "www.example.com", 1),
                record("s1", "_sip._tcp.example.com", "SRV", "5 5060 sip.example.com", 3600, false,
                        "\"priority\":10,\"data\":{\"priority\":10,\"weight\":5,\"port\":5060,\"target\":\"sip.example.com\"}"),
                record("k1", "example.com", "CAA", "0 issue \"letsencrypt.org\"", 3600, false,
                        "\"data\":{\"flags\":0,\"tag\":\"issue\",\"value\":\"letsencrypt.org\"}"),
                // A type this adapter does not handle is left out.
                record("h1", "example.com", "HTTPS", "1 . alpn=\"h2\"", 300)), 1, 1, 10)));

        try (CloudflareProvider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            assertThat(z.get("www.example.com.", "A")).isEqualTo(
                    RRset.of("www.example.com.", "A", 300, List.of("203.0.113.10", "203.0.113.11")));
            assertThat(z.get(Z, "MX")).isEqualTo(RRset.of(Z, "MX", 3600, List.of("10 mail.example.com.")));
            assertThat(z.get(Z, "TXT").rdata()).containsExactly("\"v=spf1 ip4:203.0.113.25 -all\"");
            assertThat(z.get("legacy.example.com.", "TXT").rdata()).containsExactly("\"hello old world\"");
            // TTL 1 is "auto", which Cloudflare serves as 300 s.
            assertThat(z.get("old.example.com.", "CNAME")).isEqualTo(
                    RRset.of("old.example.com.", "CNAME", 300, List.of("www.example.com.")));
            assertThat(z.get("_sip._tcp.example.com.", "SRV").rdata()).containsExactly("10 5 5060 sip.example.com.");
            assertThat(z.get(Z, "CAA").rdata()).containsExactly("0 issue \"letsencrypt.org\"");
            assertThat(z.get(Z, "HTTPS")).isNull();
            assertThat(z.size()).isEqualTo(8);
            assertThat(z.notes()).isEmpty();
            assertThat(z.soa()).isNull();
        }
        assertRequest(take(server), "GET", "/client/v4/zones?name=example.com", null);
        assertRequest(take(server), "GET", LIST1, null);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void paginationFollowsTotalPagesAcrossThreePages() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(List.of(record("r1", "a.example.com", "A", "192.0.2.1", 300),
                record("r2", "b.example.com", "A", "192.0.2.2", 300)), 1, 3, 5)));
        server.enqueue(ok(page(List.of(record("r3", "c.example.com", "A", "192.0.2.3", 300),
                record("r4", "b.example.com", "A", "192.0.2.4", 300)), 2, 3, 5)));
        server.enqueue(ok(page(List.of(record("r5", "e.example.com", "AAAA", "2001:db8::5", 300)), 3, 3, 5)));

        try (CloudflareProvider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            assertThat(z.size()).isEqualTo(4);
            // Records of one RRset on different pages still make one RRset.
            assertThat(z.get("b.example.com.", "A").rdata()).containsExactly("192.0.2.2", "192.0.2.4");
            assertThat(z.get("e.example.com.", "AAAA").rdata()).containsExactly(Rdata.normalise("AAAA", "2001:db8::5", Z));
        }
        assertRequest(take(server), "GET", "/client/v4/zones?name=example.com", null);
        for (int page = 1; page <= 3; page++) {
            assertRequest(take(server), "GET", "/client/v4/zones/" + ZONE_ID + "/dns_records?page=" + page + "&per_page=100", null);
        }
        assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void aBatchChangeIsOneBatchRequestWithPatchesDeletesAndPosts() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(zoneRecords(), 1, 1, 6)));
        server.enqueue(ok(batchResult()));

        RRset www = RRset.of("www.example.com.", "A", 3600, List.of("203.0.113.10", "203.0.113.11"));
        RRset txt = RRset.of(Z, "TXT", 3600, List.of("\"v=spf1 ip4:203.0.113.25 -all\""));
        RRset old = RRset.of("old.example.com.", "CNAME", 300, List.of("www.example.com."));
        RRset mx = RRset.of(Z, "MX", 3600, List.of("10 mail.example.com."));
        try (CloudflareProvider p = provider()) {
            p.apply(Z, List.of(
                    // swap: two addresses become one, at the lowered TTL
                    RRsetChange.of(Z, www, RRset.of("www.example.com.", "A", 300, List.of("198.51.100.20"))),
                    // lower-ttl
                    RRsetChange.of(Z, txt, txt.withTtl(300)),
                    // a new RRset and a deleted one
                    RRsetChange.of(Z, null, RRset.of("www.example.com.", "AAAA", 300,
                            List.of(Rdata.normalise("AAAA", "2001:db8:20::20", Z)))),
                    RRsetChange.of(Z, old, null),
                    // new MX data: the record is patched in place with its priority
                    RRsetChange.of(Z, mx, mx.withData(List.of("20 mx.example.net.")))));
        }
        assertRequest(take(server), "GET", "/client/v4/zones?name=example.com", null);
        assertRequest(take(server), "GET", LIST1, null);
        assertRequest(take(server), "POST", BATCH, """
                {"deletes":[{"id":"c1"},{"id":"w2"}],
                 "patches":[{"id":"w1","content":"198.51.100.20","ttl":300},
                            {"id":"t1","ttl":300},
                            {"id":"m1","content":"mx.example.net","priority":20,"ttl":3600}],
                 "posts":[{"name":"www.example.com","type":"AAAA","content":"2001:db8:20::20","ttl":300}]}""");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void batchesArePagedWithinBatchSizeDeletionsFirst() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(zoneRecords(), 1, 1, 6)));
        server.enqueue(ok(batchResult()));
        server.enqueue(ok(batchResult()));

        RRset apex = RRset.of(Z, "A", 3600, List.of("203.0.113.10"));
        RRset old = RRset.of("old.example.com.", "CNAME", 300, List.of("www.example.com."));
        try (CloudflareProvider p = provider(2)) {
            assertThat(p.capabilities().maxBatch()).isEqualTo(2);
            p.apply(Z, List.of(
                    RRsetChange.of(Z, null, RRset.of("new.example.com.", "A", 300, List.of("198.51.100.30"))),
                    RRsetChange.of(Z, apex, apex.withData(List.of("198.51.100.20"))),
                    RRsetChange.of(Z, old, null)));
        }
        take(server);
        take(server);
        assertRequest(take(server), "POST", BATCH, """
                {"deletes":[{"id":"c1"}],"patches":[{"id":"a1","content":"198.51.100.20","ttl":3600}]}""");
        assertRequest(take(server), "POST", BATCH, """
                {"posts":[{"name":"new.example.com","type":"A","content":"198.51.100.30","ttl":300}]}""");
    }

    @Test
    void a429IsWaitedOutAsRetryAfterSaysThenTheRequestSucceeds() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7")
                .addHeader("Content-Type", "application/json")
                .body(errors(971, "Please wait and consider throttling your request speed")).build());
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(zoneRecords(), 1, 1, 6)));
        try (CloudflareProvider p = provider()) {
            assertThat(p.read(Z).size()).isEqualTo(5);
        }
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
        assertRequest(take(server), "GET", "/client/v4/zones?name=example.com", null);
        assertRequest(take(server), "GET", "/client/v4/zones?name=example.com", null);
        assertRequest(take(server), "GET", LIST1, null);
    }

    @Test
    void a429ThatNeverEndsGivesUpAfterBoundedWaits() throws Exception {
        for (int i = 0; i < 10; i++) {
            server.enqueue(json(429, errors(971, "Please wait and consider throttling your request speed")));
        }
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.read(Z), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("429", "1,200 requests per 5 minutes");
        }
        // No Retry-After: exponential backoff, five waits, six requests.
        assertThat(slept).hasSize(CloudflareProvider.RATE_LIMIT_WAITS);
        assertThat(server.getRequestCount()).isEqualTo(CloudflareProvider.RATE_LIMIT_WAITS + 1);
    }

    @Test
    void aRetryAfterLongerThanTheWindowIsNotWaited() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600")
                .body(errors(971, "Please wait and consider throttling your request speed")).build());
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.read(Z), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("3600 s");
        }
        assertThat(slept).isEmpty();
    }

    @Test
    void anInvalidTokenIsAnAuthErrorNamingWhereTheTokenCameFrom() throws Exception {
        server.enqueue(json(403, errors(9109, "Invalid access token")));
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.read(Z), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.AUTH);
            assertThat(e.getMessage()).contains("9109 Invalid access token", "environment variable CF_TOKEN",
                    "Zone Read and DNS Edit").doesNotContain(TOKEN);
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void aMalformedTokenHeaderIsAnAuthErrorToo() throws Exception {
        server.enqueue(json(400, """
                {"success":false,"errors":[{"code":6003,"message":"Invalid request headers",
                 "error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}],
                 "messages":[],"result":null}"""));
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.read(Z), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.AUTH);
            assertThat(e.getMessage()).contains("6003 Invalid request headers (6111 Invalid format for Authorization header)");
        }
    }

    @Test
    void aZoneTheTokenCannotSeeIsNotFound() throws Exception {
        server.enqueue(ok(noZones()));
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.read(Z), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(e.getMessage()).contains("no zone example.com", "zone resources");
        }
    }

    @Test
    void aBatchErrorBodyBecomesAnOperatorMessage() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(zoneRecords(), 1, 1, 6)));
        server.enqueue(json(400, errors(81058, "An identical record already exists.")));
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.apply(Z, List.of(RRsetChange.of(Z, null,
                    RRset.of("new.example.com.", "A", 300, List.of("198.51.100.30"))))), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("writing 1 RRset to zone example.com.", "HTTP 400",
                    "81058 An identical record already exists.");
        }
        // Not retried: a batch that creates records must not be sent twice.
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aServerErrorOnABatchIsNotRetriedButOnAListIs() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(json(502, "<html>bad gateway</html>"));
        server.enqueue(ok(page(zoneRecords(), 1, 1, 6)));
        server.enqueue(json(500, errors(10002, "Internal error")));
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.apply(Z, List.of(RRsetChange.of(Z, null,
                    RRset.of("new.example.com.", "A", 300, List.of("198.51.100.30"))))), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.SERVER);
            assertThat(e.getMessage()).contains("HTTP 500", "10002 Internal error");
        }
        assertThat(slept).containsExactly(CloudflareProvider.FIRST_BACKOFF);
        assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void aForeignChangeIsAConflictAndNothingIsSent() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(zoneRecords(), 1, 1, 6)));
        RRset expected = RRset.of(Z, "A", 3600, List.of("192.0.2.99"));
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.apply(Z, List.of(
                    RRsetChange.of(Z, expected, expected.withData(List.of("198.51.100.20"))))), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
            assertThat(e.conflicts()).containsExactly(new RRsetKey(Z, "A"));
            assertThat(e.getMessage()).contains("192.0.2.99", "203.0.113.10", "nothing was written");
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aTtlOutsideCloudflaresRangeIsRefusedBeforeAnythingIsSent() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(zoneRecords(), 1, 1, 6)));
        RRset apex = RRset.of(Z, "A", 3600, List.of("203.0.113.10"));
        try (CloudflareProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.apply(Z, List.of(
                    RRsetChange.of(Z, apex, apex.withTtl(30)))), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("60 to 86400", "not 30");
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aProxiedRecordKeepsItsProxyAndAutoTtlAndIsNotedForThePlanner() throws Exception {
        List<String> records = List.of(
                record("a1", "example.com", "A", "203.0.113.10", 3600),
                record("w1", "www.example.com", "A", "203.0.113.10", 1, true, null));
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(records, 1, 1, 2)));
        server.enqueue(ok(page(records, 1, 1, 2)));
        server.enqueue(ok(batchResult()));
        server.enqueue(ok(page(records, 1, 1, 2)));

        try (CloudflareProvider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            RRsetKey www = new RRsetKey("www.example.com.", "A");
            assertThat(z.get(www).ttl()).isEqualTo(300);
            assertThat(z.note(www).ttlFixed()).isTrue();
            assertThat(z.note(www).instantSwap()).isTrue();
            assertThat(z.note(www).why()).contains("proxied by Cloudflare", "no TTL lowering");
            assertThat(z.note(new RRsetKey(Z, "A"))).isNull();

            // The swap moves the origin address; proxied and the auto TTL are left alone.
            p.apply(Z, List.of(RRsetChange.of(Z, z.get(www), z.get(www).withData(List.of("198.51.100.20")))));
            // A TTL change cannot be made on a proxied record: refused before anything is sent.
            ProviderException e = catchThrowableOfType(() -> p.apply(Z, List.of(
                    RRsetChange.of(Z, z.get(www), z.get(www).withTtl(60)))), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("proxied", "auto");
        }
        take(server);
        take(server);
        take(server);
        assertRequest(take(server), "POST", BATCH, """
                {"patches":[{"id":"w1","content":"198.51.100.20"}]}""");
        take(server);
        assertThat(server.getRequestCount()).isEqualTo(5);
    }

    @Test
    void aRecordAddedToAProxiedRRsetIsProxiedToo() throws Exception {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(List.of(record("w1", "www.example.com", "A", "203.0.113.10", 1, true, null)), 1, 1, 1)));
        server.enqueue(ok(batchResult()));
        RRset www = RRset.of("www.example.com.", "A", 300, List.of("203.0.113.10"));
        try (CloudflareProvider p = provider()) {
            p.apply(Z, List.of(RRsetChange.of(Z, www, www.withData(List.of("203.0.113.10", "198.51.100.20")))));
        }
        take(server);
        take(server);
        assertRequest(take(server), "POST", BATCH, """
                {"posts":[{"name":"www.example.com","type":"A","content":"198.51.100.20","ttl":1,"proxied":true}]}""");
    }

    @Test
    void theFactoryReadsTheTokenFromTheEnvironmentAndRefusesPlainHttpOffLoopback() throws Exception {
        CloudflareProviderFactory f = new CloudflareProviderFactory();
        Map<String, Object> settings = Map.of("apiTokenEnv", "CF_TOKEN", "baseUrl", server.url("/client/v4").toString(),
                "batchSize", "50");
        try (DnsProvider p = f.create(new ProviderConfig("cloudflare", settings, Path.of("."),
                Map.of("CF_TOKEN", TOKEN)::get, CLOCK))) {
            assertThat(p.capabilities().maxBatch()).isEqualTo(50);
            assertThat(p.capabilities().minTtl()).isEqualTo(60);
            assertThat(p.describe()).doesNotContain(TOKEN);
        }
        ProviderException e = catchThrowableOfType(() -> f.create(new ProviderConfig("cloudflare",
                Map.of("apiTokenEnv", "CF_TOKEN", "baseUrl", "http://api.example.net/client/v4"), Path.of("."),
                Map.of("CF_TOKEN", TOKEN)::get, CLOCK)), ProviderException.class);
        assertThat(e.kind()).isEqualTo(Kind.INVALID);
        assertThat(e.getMessage()).contains("https");
        e = catchThrowableOfType(() -> f.create(new ProviderConfig("cloudflare", Map.of("apiTokenEnv", "CF_TOKEN"),
                Path.of("."), k -> null, CLOCK)), ProviderException.class);
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.getMessage()).contains("CF_TOKEN is not set");
    }
}
