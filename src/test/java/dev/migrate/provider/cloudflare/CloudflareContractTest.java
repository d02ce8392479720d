package dev.migrate.provider.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderContract;
import java.nio.file.Path;
import java.util.List;

/**
 * The adapter contract against the stateful Cloudflare fake. Nothing answers DNS for it, so the cutover is
 * confirmed by reading the provider back ({@code via: provider}); "from outside" is what the fake holds.
 */
class CloudflareContractTest extends ProviderContract {
    @Override
    protected World start(Path dir) throws Exception {
        CloudflareLab lab = CloudflareLab.start(dir, ZONE, ZONE_TEXT);
        return new World() {
            @Override
            public String providerBlock() {
                return lab.providerBlock();
            }

            @Override
            public String confirmation() {
                return "propagation: { via: provider }";
            }

            @Override
            public DnsProvider provider() throws Exception {
                return lab.provider();
            }

            @Override
            public RRset served(String name, String type) {
                return lab.held(name, type);
            }

            @Override
            public void foreignChange(String name, String type, long ttl, String... data) {
                lab.fake.replace(name, type, ttl, List.of(data), null);
            }

            @Override
            public void close() {
                // No batch ever held more operations than the plan allows.
                assertThat(lab.fake.batches).allSatisfy(b -> assertThat(b.path("deletes").size() + b.path("patches").size()
                        + b.path("posts").size()).isLessThanOrEqualTo(CloudflareProvider.DEFAULT_BATCH_SIZE));
                lab.close();
            }
        };
    }

    /** Cloudflare shows no SOA: an RRset the swap created keeps the TTL it was created with. */
    @Override
    protected long createdRestoredTtl() {
        return 300;
    }

    @Override
    protected void assertWithinRequestLimits(List<RRsetChange> batch) {
        assertThat(batch.stream().mapToInt(CloudflareProvider::operationsAtMost).sum())
                .isLessThanOrEqualTo(CloudflareProvider.DEFAULT_BATCH_SIZE);
    }
}
