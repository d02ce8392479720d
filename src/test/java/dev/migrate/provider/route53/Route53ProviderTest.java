package dev.migrate.provider.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.RRsetNote;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.ProviderContract;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.secret.Secret;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route53 adapter on its own against the stateful fake: reading, compare-and-set, limits, waiting, failures. */
class Route53ProviderTest {
    static final String Z = "example.test.";
    static final String ZONE_TEXT = """
            $TTL 3600
            @        IN SOA ns1 hostmaster 1 3600 600 86400 300
            @        IN A     203.0.113.10
            @        IN MX    10 mail.example.test.
            www      IN A     203.0.113.10
            mail     IN A     203.0.113.25
            *.wild   IN A     192.0.2.77
            shop     IN CNAME www.example.test.
            _dmarc   IN TXT   "v=DMARC1; p=reject"
            """;

    @TempDir
    java.nio.file.Path dir;

    Route53Lab lab;
    final List<Duration> retryPauses = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        lab = Route53Lab.start(dir, Z, ZONE_TEXT);
        lab.fake.pageSize = 2;
        lab.fake.syncDelayMillis = 100;
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    /** The adapter with quick pauses and its own token bucket, so these tests need not share the process's. */
    Route53Provider provider(Map<String, String> hostedZones, Route53Provider.Sync sync) {
        CredentialSource creds = CredentialSource.of(new AwsCredentials(lab.fake.accessKeyId,
                Secret.of(Route53Lab.SECRET, "the test"), null, null, "the test's credentials"));
        Sleeper recording = d -> {
            retryPauses.add(d);
            Sleeper.REAL.sleep(d);
        };
        Route53Api api = new Route53Api(HttpUrl.get(lab.endpoint()), "us-east-1", creds, Duration.ofSeconds(5),
                new TokenBucket(1, Duration.ofMillis(1), System::nanoTime, Sleeper.REAL), recording, System::nanoTime,
                () -> 0.5, Clock.systemUTC(), new Route53Api.Backoff(Duration.ofMillis(20), Duration.ofMillis(200),
                Duration.ofSeconds(5), 5));
        return new Route53Provider(api, hostedZones, sync, Sleeper.REAL, System::nanoTime);
    }

    Route53Provider provider() {
        return provider(Map.of(), new Route53Provider.Sync(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5)));
    }

    static RRset rrset(String name, String type, long ttl, String... data) {
        return ProviderContract.rrset(name, type, ttl, data);
    }

    long listRequests() {
        return lab.fake.requests.stream().filter(r -> r.startsWith("GET /2013-04-01/hostedzone/" + Route53Lab.ZONE_ID + "/rrset")).count();
    }

    @Test
    void readsEveryPageDecodesOctalNamesAndQuotesTxt() throws Exception {
        // As Route 53 holds them: a wildcard as \052, TXT split at 255 into quoted strings, a value written
        // unquoted long ago, and UTF-8 in TXT as octal escapes.
        String longText = "k=rsa; p=" + "A".repeat(300);
        lab.fake.putPlain(Route53Lab.ZONE_ID, "sel._domainkey.example.test", "TXT", 300,
                "\"" + longText.substring(0, 255) + "\" \"" + longText.substring(255) + "\"");
        lab.fake.putPlain(Route53Lab.ZONE_ID, "legacy.example.test", "TXT", 300, "hello old world");
        lab.fake.putPlain(Route53Lab.ZONE_ID, "cafe.example.test", "TXT", 300, "\"caf\\303\\251\"");
        lab.fake.putPlain(Route53Lab.ZONE_ID, "odd\\050name.example.test", "A", 300, "192.0.2.40");
        int sets = lab.fake.all(Route53Lab.ZONE_ID).size();

        try (Route53Provider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            assertThat(z.get("*.wild.example.test.", "A")).isEqualTo(rrset("*.wild.example.test.", "A", 3600, "192.0.2.77"));
            assertThat(z.get("sel._domainkey.example.test.", "TXT").rdata())
                    .containsExactly("\"" + longText.substring(0, 255) + "\" \"" + longText.substring(255) + "\"");
            assertThat(z.get("legacy.example.test.", "TXT").rdata()).containsExactly("\"hello old world\"");
            assertThat(z.get("cafe.example.test.", "TXT").rdata()).containsExactly("\"caf\\195\\169\"");
            assertThat(z.get("odd\\(name.example.test.", "A")).isNotNull();
            assertThat(z.get("shop.example.test.", "CNAME").rdata()).containsExactly("www.example.test.");
            assertThat(z.get(Z, "MX").rdata()).containsExactly("10 mail.example.test.");
            // Route 53 keeps the serial at 1; its SOA and apex NS are its own.
            assertThat(z.serial()).isEqualTo(1);
            assertThat(z.note(new RRsetKey(Z, "SOA")).refusedAsTarget()).isTrue();
            assertThat(z.note(new RRsetKey(Z, "NS")).refusedAsTarget()).isTrue();
            assertThat(z.size()).isEqualTo(sets);
        }
        // Two per page: every page was asked for, none twice.
        assertThat(listRequests()).isEqualTo((sets + 1) / 2);
        assertThat(Route53Provider.CAPABILITIES.meaningfulSerial()).isFalse();
    }

    @Test
    void aWriteIsADeleteOfTheBeforeImageAsRouteFiftyThreeHoldsItThenACreate() throws Exception {
        try (Route53Provider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            RRset mx = z.get(Z, "MX");
            RRset wild = z.get("*.wild.example.test.", "A");
            p.apply(Z, List.of(RRsetChange.of(Z, mx, mx.withTtl(300)), RRsetChange.of(Z, wild, wild.withData(List.of("192.0.2.78"))),
                    RRsetChange.of(Z, null, rrset("new.example.test.", "AAAA", 60, "2001:db8::1"))));
        }
        FakeRoute53.ChangeRequest sent = lab.fake.changeRequests.get(0);
        assertThat(sent.accepted()).isTrue();
        assertThat(sent.actions()).containsExactly("DELETE example.test. MX", "DELETE \\052.wild.example.test. A",
                "CREATE example.test. MX", "CREATE \\052.wild.example.test. A", "CREATE new.example.test. AAAA");
        // The DELETE repeated the value as the console stored it (no final dot), or Route 53 would refuse it.
        assertThat(lab.fake.get(Route53Lab.ZONE_ID, Z, "MX").values()).containsExactly("10 mail.example.test.");
        assertThat(lab.held(Z, "MX")).isEqualTo(rrset(Z, "MX", 300, "10 mail.example.test."));
        assertThat(lab.held("*.wild.example.test.", "A")).isEqualTo(rrset("*.wild.example.test.", "A", 3600, "192.0.2.78"));
        // It waited for INSYNC: at least one GetChange, and the change is in sync now.
        assertThat(lab.fake.requests).anyMatch(r -> r.startsWith("GET /2013-04-01/change/C"));
    }

    @Test
    void aChangeStillPendingAfterSyncTimeoutIsATimeoutNamingTheChange() throws Exception {
        lab.fake.syncDelayMillis = 60_000;
        try (Route53Provider p = provider(Map.of(), new Route53Provider.Sync(Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofMillis(400)))) {
            RRset www = p.read(Z).get("www.example.test.", "A");
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> p.apply(Z, List.of(RRsetChange.of(Z, www, www.withTtl(300)))));
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("still PENDING", "syncTimeout", "C000000000001FAKE");
        }
        // The change itself landed: the engine, reading back, finds the after-image.
        assertThat(lab.held("www.example.test.", "A").ttl()).isEqualTo(300);
        long polls = lab.fake.requests.stream().filter(r -> r.startsWith("GET /2013-04-01/change/")).count();
        assertThat(polls).isBetween(2L, 8L);
    }

    @Test
    void aChangeRouteFiftyThreeAcceptsButPartlyIgnoresIsNotTakenForSuccess() throws Exception {
        lab.fake.ignoreInNextChange("mail.example.test", "A");
        try (Route53Provider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            RRset www = z.get("www.example.test.", "A");
            RRset mail = z.get("mail.example.test.", "A");
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply(Z, List.of(
                    RRsetChange.of(Z, www, www.withTtl(300)), RRsetChange.of(Z, mail, mail.withTtl(300)))));
            assertThat(e.kind()).isEqualTo(Kind.INVALID).isNotEqualTo(Kind.CONFLICT);
            assertThat(e.conflicts()).containsExactly(new RRsetKey("mail.example.test.", "A"));
            assertThat(e.getMessage()).contains("accepted the change", "mail.example.test. A", "wrote TTL 300",
                    "now TTL 3600", "ignored part of it");
        }
    }

    @Test
    void aStaleDeleteIsAConflictNamingWhatIsLiveAndNothingIsWritten() throws Exception {
        try (Route53Provider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            lab.fake.putPlain(Route53Lab.ZONE_ID, "www.example.test", "A", 3600, "192.0.2.99");
            RRset www = z.get("www.example.test.", "A");
            RRset mail = z.get("mail.example.test.", "A");
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply(Z, List.of(
                    RRsetChange.of(Z, mail, mail.withTtl(300)), RRsetChange.of(Z, www, www.withTtl(300)))));
            assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
            assertThat(e.conflicts()).containsExactly(new RRsetKey("www.example.test.", "A"));
            assertThat(e.getMessage()).contains("nothing was written", "expected TTL 3600 [203.0.113.10]",
                    "live TTL 3600 [192.0.2.99]");
        }
        assertThat(lab.fake.changeRequests).singleElement().satisfies(r -> assertThat(r.accepted()).isFalse());
        assertThat(lab.held("mail.example.test.", "A").ttl()).isEqualTo(3600);
    }

    @Test
    void throttledReadsAreRetriedWithGrowingPauses() throws Exception {
        lab.fake.throttleNext(3, "Throttling", false);
        try (Route53Provider p = provider()) {
            assertThat(p.read(Z).get("www.example.test.", "A")).isNotNull();
        }
        assertThat(retryPauses).hasSize(3);
        // 20 ms doubling, with the jitter at its middle: 3/4 of each pause... except the first retry-after of
        // 1 s that Throttling suggests, which is longer and so is what is waited (halved and jittered likewise).
        assertThat(retryPauses.get(0)).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void readsThatStayThrottledGiveUpWithAClearError() throws Exception {
        lab.fake.throttleNext(50, "Throttling", false);
        try (Route53Provider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.read(Z));
            assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("Throttling", "Rate exceeded", "five requests per second");
        }
        assertThat(retryPauses).hasSize(4); // five attempts
    }

    @Test
    void aThrottledWriteIsRateLimitedForTheEngineAndNotRetriedHere() throws Exception {
        try (Route53Provider p = provider()) {
            RRset www = p.read(Z).get("www.example.test.", "A");
            lab.fake.throttleNext(1, "PriorRequestNotComplete", true);
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> p.apply(Z, List.of(RRsetChange.of(Z, www, www.withTtl(300)))));
            assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(e.kind().isTransient()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
            assertThat(e.getMessage()).contains("PriorRequestNotComplete", "still processing");
        }
        assertThat(lab.fake.requests.stream().filter(r -> r.startsWith("POST"))).hasSize(1);
        assertThat(lab.held("www.example.test.", "A").ttl()).isEqualTo(3600);
    }

    @Test
    void aliasAndRoutingPolicyRecordsAreNotedAsRefusedAndNeverListedAsRRsets() throws Exception {
        lab.fake.put(lab.zone, new FakeRoute53.RecordSet("cdn.example.test", "A", null, null, List.of(),
                "d111111abcdef8.cloudfront.net.", null));
        lab.fake.put(lab.zone, new FakeRoute53.RecordSet("api.example.test", "A", "eu", 60L, List.of("192.0.2.1"), null, 70));
        lab.fake.put(lab.zone, new FakeRoute53.RecordSet("api.example.test", "A", "us", 60L, List.of("192.0.2.2"), null, 30));
        try (Route53Provider p = provider()) {
            ZoneSnapshot z = p.read(Z);
            assertThat(z.get("cdn.example.test.", "A")).isNull();
            assertThat(z.get("api.example.test.", "A")).isNull();
            RRsetNote alias = z.note(new RRsetKey("cdn.example.test.", "A"));
            assertThat(alias.refusedAsTarget()).isTrue();
            assertThat(alias.why()).contains("alias", "d111111abcdef8.cloudfront.net.");
            assertThat(z.note(new RRsetKey("api.example.test.", "A")).why()).contains("SetIdentifier", "weighted");
        }
    }

    @Test
    void theHostedZoneIsFoundByNameAndAnAmbiguousOrWrongOneIsRefused() throws Exception {
        lab.fake.zone("Z0OTHERZONE", "other.test.", false);
        try (Route53Provider p = provider()) {
            assertThat(p.zoneId(Z)).isEqualTo(Route53Lab.ZONE_ID);
        }
        try (Route53Provider p = provider(Map.of(Z, "Z0OTHERZONE"), Route53Provider.Sync.of(Duration.ofSeconds(5)))) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.read(Z));
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("Z0OTHERZONE", "other.test.", "correct the id");
        }
        lab.fake.zone("Z0PRIVATEONE", Z, true);
        try (Route53Provider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.read(Z));
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("2 hosted zones named example.test.", Route53Lab.ZONE_ID,
                    "Z0PRIVATEONE (private)", "hostedZones: { example.test: ");
        }
        try (Route53Provider p = provider(Map.of(Z, Route53Lab.ZONE_ID), Route53Provider.Sync.of(Duration.ofSeconds(5)))) {
            assertThat(p.read(Z).get("www.example.test.", "A")).isNotNull();
        }
        try (Route53Provider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.read("nowhere.test."));
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        }
    }

    @Test
    void batchesSplitByRecordsAndByCharactersAndAnOversizedRRsetIsRefusedWhole() throws Exception {
        List<RRsetChange> manyRecords = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            RRset a = rrset("h" + i + ".example.test.", "A", 3600, "203.0.113." + (i % 250));
            manyRecords.add(RRsetChange.of(Z, a, a.withTtl(300)));
        }
        List<RRsetChange> longValues = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            RRset t = rrset("t" + i + ".example.test.", "TXT", 3600, "\"" + "v".repeat(250) + "\"");
            longValues.add(RRsetChange.of(Z, t, t.withTtl(300)));
        }
        try (Route53Provider p = provider()) {
            // 2,500 TTL changes of one record each: a DELETE and a CREATE, 2 ResourceRecords per RRset.
            assertThat(p.batches(Z, manyRecords)).extracting(List::size).containsExactly(500, 500, 500, 500, 500);
            // 300 TXT values of 252 characters, twice each: 63 RRsets fill 31,752 of 32,000 characters.
            List<List<RRsetChange>> byChars = p.batches(Z, longValues);
            assertThat(byChars).extracting(List::size).containsExactly(63, 63, 63, 63, 48);
            for (List<RRsetChange> b : byChars) assertThat(p.size(Z, b.get(0)).chars() * b.size()).isLessThanOrEqualTo(32000);

            RRset big = RRset.of("big.example.test.", "TXT", 300, java.util.stream.IntStream.range(0, 501)
                    .mapToObj(i -> "\"r" + i + "\"").toList());
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> p.apply(Z, List.of(RRsetChange.of(Z, big, big.withTtl(60)))));
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("big.example.test. TXT", "1002 ResourceRecord elements", "nothing was written");
        }
        assertThat(lab.fake.changeRequests).isEmpty();
    }

    @Test
    void theProcessTokenBucketLetsAtMostFiveRequestsGoInASecond() throws Exception {
        long[] now = {0};
        List<Duration> waits = new ArrayList<>();
        TokenBucket b = new TokenBucket(1, Duration.ofMillis(200), () -> now[0], d -> {
            waits.add(d);
            now[0] += d.toNanos();
        });
        for (int i = 0; i < 11; i++) b.take();
        // The first goes at once; each of the next ten waits 200 ms: eleven requests take two seconds.
        assertThat(waits).hasSize(10).allMatch(d -> d.equals(Duration.ofMillis(200)));
        assertThat(now[0]).isEqualTo(Duration.ofSeconds(2).toNanos());
    }
}
