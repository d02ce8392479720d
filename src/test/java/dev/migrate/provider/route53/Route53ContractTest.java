package dev.migrate.provider.route53;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderContract;
import java.nio.file.Path;
import java.util.List;

/**
 * The adapter contract against the stateful Route 53 fake. Nothing answers DNS for it, so the cutover is
 * confirmed by reading the provider back ({@code via: provider}); "from outside" is what the fake holds.
 */
class Route53ContractTest extends ProviderContract {
    @Override
    protected World start(Path dir) throws Exception {
        Route53Lab lab = Route53Lab.start(dir, ZONE, ZONE_TEXT);
        lab.fake.pageSize = 5; // small enough that every read pages
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
                lab.fake.putPlain(Route53Lab.ZONE_ID, name, type, ttl, data);
            }

            @Override
            public void close() {
                // Whatever the test did, no request ever asked for more than Route 53 allows, nor UPSERT.
                for (FakeRoute53.ChangeRequest r : lab.fake.changeRequests) {
                    assertThat(r.resourceRecords()).isLessThanOrEqualTo(1000);
                    assertThat(r.valueChars()).isLessThanOrEqualTo(32000);
                    assertThat(r.actions()).noneMatch(a -> a.startsWith("UPSERT"));
                }
                lab.close();
            }
        };
    }

    /** Route 53's SOA TTL (900 s) is what an RRset created by the swap gets back. */
    @Override
    protected long createdRestoredTtl() {
        return 900;
    }

    @Override
    protected void assertWithinRequestLimits(List<RRsetChange> batch) {
        int records = 0;
        int chars = 0;
        for (RRsetChange c : batch) {
            for (RRset image : new RRset[] {c.before(), c.after()}) {
                if (image == null) continue;
                for (String d : image.rdata()) {
                    records++;
                    chars += Route53Provider.value(image.type(), d).length();
                }
            }
        }
        assertThat(records).isLessThanOrEqualTo(Route53Provider.MAX_RECORDS);
        assertThat(chars).isLessThanOrEqualTo(Route53Provider.MAX_VALUE_CHARS);
    }
}
