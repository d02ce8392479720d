package dev.migrate.engine;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.Providers;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A loaded plan with its provider: what every command starts from. */
public final class Workspace implements AutoCloseable {
    private final Plan plan;
    private final ProviderFactory factory;
    private final DnsProvider provider;
    private final DnsProvider movingTo;

    private Workspace(Plan plan, ProviderFactory factory, DnsProvider provider, DnsProvider movingTo) {
        this.plan = plan;
        this.factory = factory;
        this.provider = provider;
        this.movingTo = movingTo;
    }

    public static PlanLoader loader(Providers providers) {
        return new PlanLoader(providers.all().stream()
                .collect(Collectors.toMap(ProviderFactory::type, ProviderFactory::keys)));
    }

    public static Plan load(Path planFile, Providers providers) throws PlanException {
        return loader(providers).load(planFile);
    }

    public static Workspace open(Plan plan, Providers providers, Function<String, String> env, Clock clock)
            throws ProviderException {
        return open(plan, providers, env, clock, ProviderConfig.STDERR);
    }

    /**
     * As above, with {@code operator} the channel a provider uses to ask the person running the command to
     * act (the manual provider's "set these records now"); the provider also learns the plan's nameservers
     * and resolvers, to read zones from their authoritative servers.
     */
    public static Workspace open(Plan plan, Providers providers, Function<String, String> env, Clock clock,
            Consumer<String> operator) throws ProviderException {
        ProviderFactory f = providers.find(plan.provider().type()).orElseThrow();
        DnsProvider p = f.create(new ProviderConfig(plan.provider().type(), plan.provider().settings(),
                plan.baseDir(), env, clock).withOperator(operator)
                .withPlanServers(plan.propagation().nameservers(), plan.propagation().resolvers()));
        DnsProvider to = null;
        if (plan.move() != null) {
            try {
                ProviderFactory tf = providers.find(plan.move().to().type()).orElseThrow();
                to = tf.create(new ProviderConfig(plan.move().to().type(), plan.move().to().settings(), plan.baseDir(),
                        env, clock));
            } catch (ProviderException | RuntimeException e) {
                p.close();
                throw e;
            }
        }
        return new Workspace(plan, f, p, to);
    }

    /** For tests and the rehearsal: a plan with a provider made elsewhere. */
    public static Workspace of(Plan plan, DnsProvider provider) {
        return new Workspace(plan, null, provider, null);
    }

    /** The same with the new provider of the plan's move ({@code move.to}), made elsewhere. */
    public static Workspace of(Plan plan, DnsProvider provider, DnsProvider movingTo) {
        return new Workspace(plan, null, provider, movingTo);
    }

    public Plan plan() {
        return plan;
    }

    public DnsProvider provider() {
        return provider;
    }

    /** The new provider of the plan's move ({@code move.to}), or null when the plan moves nothing. */
    public DnsProvider movingTo() {
        return movingTo;
    }

    public Map<String, ZoneSnapshot> readLive() throws ProviderException {
        Map<String, ZoneSnapshot> out = new LinkedHashMap<>();
        for (String z : plan.zones()) out.put(z, provider.read(z, explicitKeys(plan, z)));
        return out;
    }

    /** The RRsets a plan's explicit changes name in a zone (rewrite rules need the whole zone). */
    public static java.util.List<dev.migrate.dns.RRsetKey> explicitKeys(Plan plan, String zone) {
        return plan.allChanges().stream().filter(c -> c.zone().equals(zone))
                .map(c -> new dev.migrate.dns.RRsetKey(c.name(), c.type())).toList();
    }

    @Override
    public void close() {
        provider.close();
        if (movingTo != null) movingTo.close();
    }
}
