package dev.migrate.provider.cloudflare;

import static dev.migrate.provider.ProviderContract.ZONE;
import static dev.migrate.provider.ProviderContract.rrset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderContract;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloudflare adapter against the stateful fake, for what the contract does not cover: paging, a batch
 * that fails as one transaction, and 429 with Retry-After on reads (waited out) and on writes (left to the
 * engine, which retries and journals).
 */
class CloudflareFakeCliTest {
    @TempDir
    Path dir;

    CloudflareLab lab;
    Path plan;

    @BeforeEach
    void start() throws Exception {
        lab = CloudflareLab.start(dir, ZONE, ProviderContract.ZONE_TEXT);
        plan = dir.resolve("cutover.yaml");
        Files.writeString(plan, ProviderContract.planText("cf", lab.providerBlock(), "propagation: { via: provider }"));
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    Cli.Run migrate(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, plan.toString());
        return Cli.migrate(a.toArray(String[]::new));
    }

    @Test
    void aReadFollowsEveryPage() throws Exception {
        int records = lab.fake.all().size();
        try (DnsProvider p = lab.provider()) {
            ZoneSnapshot z = p.read(ZONE);
            assertThat(z.get("multi.example.test.", "A")).isEqualTo(rrset("multi.example.test.", "A", 3600, "192.0.2.1", "192.0.2.2"));
            assertThat(z.get(ZONE, "MX")).isEqualTo(rrset(ZONE, "MX", 3600, "10 mail.example.test."));
        }
        assertThat(lab.fake.requests).filteredOn(r -> r.contains("/dns_records?")).hasSize((records + 2) / 3);
    }

    @Test
    void aBatchIsOneTransactionSoAFailingOperationLeavesEverythingAsItWas() throws Exception {
        List<FakeCloudflare.Rec> before = lab.fake.all();
        try (DnsProvider p = lab.provider()) {
            ZoneSnapshot z = p.read(ZONE);
            RRset multi = z.get("multi.example.test.", "A");
            // The deletion is fine; the A beside the CNAME at alias is not, and takes the deletion down with it.
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply(ZONE, List.of(
                    RRsetChange.of(ZONE, multi, null),
                    RRsetChange.of(ZONE, null, rrset("alias.example.test.", "A", 300, "198.51.100.9")))));
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("81053");
        }
        assertThat(lab.fake.batches).hasSize(1);
        assertThat(lab.fake.batches.get(0).path("deletes").size()).isEqualTo(2);
        assertThat(lab.fake.all()).isEqualTo(before);
    }

    @Test
    void a429OnReadsIsWaitedOutAndOnTheBatchIsLeftToTheEngineWhichTriesAgain() throws Exception {
        lab.fake.rateLimitNext(2, 1, false); // the zone lookup and the first page: waited out in the adapter
        lab.fake.rateLimitNext(1, 1, true); // the batch: refused unread, retried by the engine

        Cli.Run lower = migrate("apply", "--now", "2030-01-07T12:00:00Z");
        assertThat(lower.code()).as(lower.all()).isZero();
        assertThat(lower.out()).contains("429", "asks to wait 1 s", "nothing was written", "trying again (2/3)");
        assertThat(lab.fake.batches).hasSize(1); // the refused one never reached the transaction
        assertThat(lab.held("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));
        assertThat(JournalState.of(Journal.eventsIn(dir.resolve(".migrate").resolve("cf"))).pending()).isEmpty();
    }

    @Test
    void aBatchThatStaysRateLimitedEndsWithAClearErrorAndNothingChanged() throws Exception {
        lab.fake.rateLimitNext(3, 2, true);
        Cli.Run lower = migrate("apply", "--now", "2030-01-07T12:00:00Z");
        assertThat(lower.code()).as(lower.all()).isEqualTo(1);
        assertThat(lower.err()).contains("Cloudflare answered 429", "nothing was changed").doesNotContain("\tat ");
        assertThat(lower.all()).doesNotContain(CloudflareLab.TOKEN);
        assertThat(lab.fake.batches).isEmpty();
        assertThat(lab.held("www.example.test.", "A").ttl()).isEqualTo(3600);
    }
}
