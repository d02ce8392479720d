package dev.migrate.provider.sandbox;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For tests only (registered in the test classpath's ServiceLoader file): lets a plan name a sandbox a test
 * started, {@code provider: { type: test-sandbox, handle: NAME }}, so the CLI can drive the sandbox through a
 * whole cutover the way it drives any adapter. Each command's provider is a view of the same sandbox; closing
 * it leaves the sandbox running (the test closes it).
 */
public final class SandboxPlanFactory implements ProviderFactory {
    /** The provider type plans in tests name. */
    public static final String TYPE = "test-sandbox";

    private static final Map<String, Sandbox> RUNNING = new ConcurrentHashMap<>();

    /** Makes {@code sandbox} what plans naming {@code handle} get, until {@link #forget}. */
    public static void register(String handle, Sandbox sandbox) {
        RUNNING.put(handle, sandbox);
    }

    public static void forget(String handle) {
        RUNNING.remove(handle);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "a sandbox a test started (tests only)";
    }

    @Override
    public Capabilities capabilities() {
        return Sandbox.CAPABILITIES;
    }

    @Override
    public Set<String> keys() {
        return Set.of("handle");
    }

    @Override
    public DnsProvider create(ProviderConfig config) throws ProviderException {
        String handle = config.require("handle");
        Sandbox s = RUNNING.get(handle);
        if (s == null) throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no sandbox registered as " + handle);
        return view(s);
    }

    /** The sandbox as a provider whose close() leaves it running. */
    static DnsProvider view(Sandbox s) {
        return new DnsProvider() {
            @Override
            public Capabilities capabilities() {
                return s.capabilities();
            }

            @Override
            public ZoneSnapshot read(String zone) throws ProviderException {
                return s.read(zone);
            }

            @Override
            public ZoneSnapshot read(String zone, Collection<RRsetKey> wanted) throws ProviderException {
                return s.read(zone, wanted);
            }

            @Override
            public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
                s.apply(zone, batch);
            }

            @Override
            public List<List<RRsetChange>> batches(String zone, List<RRsetChange> changes) {
                return s.batches(zone, changes);
            }

            @Override
            public String describe() {
                return s.describe();
            }
        };
    }
}
