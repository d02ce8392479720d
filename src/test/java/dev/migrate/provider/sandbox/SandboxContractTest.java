package dev.migrate.provider.sandbox;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.Rdata;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderContract;
import dev.migrate.testing.Zones;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The adapter contract on the rehearsal's sandbox: two in-process nameservers on 127.0.0.1, confirmed by
 * asking them, and "from outside" is what the primary answers over DNS.
 */
class SandboxContractTest extends ProviderContract {
    @Override
    protected World start(Path dir) throws Exception {
        Sandbox sandbox = Sandbox.start(List.of(Zones.parse(ZONE, ZONE_TEXT)), 2, Set.of(), Clock.systemUTC());
        String handle = dir.toString();
        SandboxPlanFactory.register(handle, sandbox);
        return new World() {
            @Override
            public String providerBlock() {
                return "type: test-sandbox\nhandle: \"" + handle + "\"";
            }

            @Override
            public String confirmation() {
                return "nameservers: [" + sandbox.addresses().stream()
                        .map(a -> "\"127.0.0.1:" + a.getPort() + "\"").collect(Collectors.joining(", ")) + "]";
            }

            @Override
            public DnsProvider provider() {
                return SandboxPlanFactory.view(sandbox);
            }

            @Override
            public RRset served(String name, String type) throws Exception {
                InetSocketAddress primary = sandbox.addresses().get(0);
                return askServer(primary.getPort(), name, type);
            }

            @Override
            public void foreignChange(String name, String type, long ttl, String... data) throws Exception {
                RRset next = RRset.of(name, type, ttl, Rdata.normaliseAll(type, List.of(data), ZONE));
                sandbox.apply(ZONE, List.of(new RRsetChange(ZONE, next.key(), sandbox.read(ZONE).get(next.key()), next)));
            }

            @Override
            public void close() {
                SandboxPlanFactory.forget(handle);
                sandbox.close();
            }
        };
    }
}
