package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.DefaultProbes;
import dev.migrate.engine.JournalFacts;
import dev.migrate.engine.PhaseChanges;
import dev.migrate.engine.Target;
import dev.migrate.engine.Targets;
import dev.migrate.engine.Workspace;
import dev.migrate.plan.Plan;
import dev.migrate.probe.AddressReport;
import dev.migrate.probe.AuthoritativeProbe;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.ProbeException;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.RRsetState;
import dev.migrate.probe.ResolverObservation;
import dev.migrate.probe.Round;
import dev.migrate.probe.ServerState;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.Providers;
import dev.migrate.provider.manual.ManualProviderFactory;
import dev.migrate.support.Durations;
import dev.migrate.support.Sleeper;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code migrate check PLAN}: what every authoritative address and every watched resolver serves now for
 * the RRsets the plan is about, against what the provider holds (before the swap that is the old data,
 * after it the new: either way every address should serve exactly what the provider has).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Query every authoritative nameserver (RD=0, each address) and the plan's resolvers now, for the"
                + " RRsets the plan is about, and compare with what the provider holds.",
                "Exit 0 when every address serves it (data and TTL), 3 otherwise, 2 when there is nothing to query."})
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Mixin
    CommonOptions common;

    @Mixin
    OutputOptions output;

    @Option(names = "--watch", description = "Repeat every propagation interval until every address matches"
            + " (or Ctrl-C, or --timeout).")
    boolean watch;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1h",
            description = "With --watch: give up after this long (default 1h), exit 3.")
    String timeout;

    @Option(names = "--limit", defaultValue = "20", description = "Most non-matching RRsets listed per address in text (default 20).")
    int limit;

    @Mixin
    StateOptions state;
    @Option(names = "--from-nameservers", description = "Take what the newest authoritative address serves as the"
            + " expected data, without asking the provider (no credentials needed). Also what happens when the"
            + " provider's credentials are missing or refused.")
    boolean fromNameservers;

    @Spec
    CommandSpec spec;

    private dev.migrate.state.JournalState journal(Plan p, Clock clock) {
        try {
            return dev.migrate.state.JournalState.of(EngineFactory.store(p, state, clock).read());
        } catch (java.io.IOException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage());
        }
    }
    /** Where the expected data came from: "provider", or "nameservers" (no credentials). */
    private String readFrom = "provider";

    /** The plan confirms by reading the provider back: there is nothing to query. */
    private boolean readBack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Clock clock = common.clock();
        Duration bound;
        try {
            bound = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INVALID, "--timeout: " + e.getMessage());
        }
        Providers providers = Providers.discover();
        Plan p = plan.load(providers);
        Map<String, ZoneSnapshot> live = readLive(p, providers, clock, err);
        if (readBack) {
            throw new CliException(ExitCode.INVALID, "nothing to query: this plan confirms by reading the provider back"
                    + " (propagation.via, or zone files nothing serves); list the servers under nameservers: to check them");
        }
        Targets.Expansion ex = Targets.expand(p, live);
        List<Expectation> expected = new ArrayList<>();
        java.util.Set<String> watched = new java.util.HashSet<>();
        for (Target t : ex.targets()) {
            ZoneSnapshot z = live.get(t.zone());
            if (watched.add(t.zone() + " " + t.key())) expected.add(new Expectation(t.zone(), t.key(), z == null ? null : z.get(t.key())));
        }
        // After a rewrite swap the old address is gone from the zones: the journal still knows what moved.
        for (PhaseChanges.ZonedKey k : JournalFacts.lastWritten(journal(p, clock)).keySet()) {
            ZoneSnapshot z = live.get(k.zone());
            if (z != null && watched.add(k.zone() + " " + k.key())) expected.add(new Expectation(k.zone(), k.key(), z.get(k.key())));
        }
        AuthoritativeProbe probe;
        try {
            probe = AuthoritativeProbe.forPlan(p, live, clock, Sleeper.REAL);
        } catch (ProbeException e) {
            throw new CliException(ExitCode.INVALID, e.getMessage());
        }
        ResolverObservation resolvers = ResolverObservation.forPlan(p, clock);
        boolean ignore = probe.settings().ignoreUnreachable();

        long watchStarted = System.nanoTime();
        Round round = probe.probeOnce(expected);
        if (watch) {
            ProgressLine line = !output.json() ? ProgressLine.forConsole(err) : null;
            long started = System.nanoTime();
            long until = started + bound.toNanos(); // monotonic: --now may fix the clock
            int n = 1;
            while (!round.settled(ignore) && System.nanoTime() < until) {
                report(line, err, round, n, Duration.ofNanos(System.nanoTime() - started));
                Sleeper.REAL.sleep(p.propagation().interval());
                round = probe.probeOnce(expected);
                n++;
            }
            if (line != null) line.done();
        }
        List<ResolverObservation.Report> seen;
        ResolverObservation.Gate gate = null;
        if (watch && round.settled(ignore) && ResolverObservation.gated(p)) {
            // resolvers: { gate: true }: --watch also waits until every resolver's clients get the data.
            Duration left = bound.minus(Duration.ofNanos(System.nanoTime() - watchStarted));
            gate = resolvers.await(expected, clock.instant().plus(left.isNegative() ? Duration.ZERO : left),
                    p.propagation().interval(), Sleeper.REAL, PropagationCheck.Listener.NONE);
            seen = gate.resolvers().stream().map(ResolverObservation.ResolverWait::last).toList();
        } else {
            seen = resolvers.observe(expected);
        }
        boolean resolversOk = !ResolverObservation.gated(p) || seen.stream().allMatch(ResolverObservation.Report::seesNew);
        if (output.json()) {
            out.println(Json.write(json(round, seen).put("expectedFrom", readFrom).put("resolverGate", ResolverObservation.gated(p))));
        } else {
            text(out, p, expected, round, seen, clock);
            if (gate != null) out.println("resolver gate: " + gate.summary());
        }
        return round.settled(ignore) && resolversOk ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    /**
     * What the provider holds; without usable credentials for it (a read-only user, a cron job without the
     * secret, {@code --from-nameservers}), what the zones' authoritative servers serve, read without any
     * (the manual provider's reader: the newest serial's address, by unsigned AXFR or RD=0 queries).
     */
    private Map<String, ZoneSnapshot> readLive(Plan p, Providers providers, Clock clock, PrintWriter err) throws Exception {
        if (!fromNameservers) {
            try (Workspace ws = Workspace.open(p, providers, System::getenv, clock, plan.operator())) {
                readBack = DefaultProbes.viaProvider(p, ws.provider());
                return ws.readLive();
            } catch (ProviderException e) {
                if (e.kind() != ProviderException.Kind.AUTH) throw e;
                err.println("migrate: no usable credentials for provider " + p.provider().type() + " (" + e.getMessage()
                        + "); reading the zones from their authoritative servers instead");
                err.flush();
            }
        }
        readFrom = "nameservers";
        String queryTimeout = Math.max(1, p.propagation().queryTimeout().toSeconds()) + "s";
        ProviderConfig config = new ProviderConfig("manual", Map.of("queryTimeout", queryTimeout), p.baseDir(),
                System::getenv, clock).withOperator(plan.operator()).withPlanServers(p.propagation().nameservers(), p.propagation().resolvers());
        try (Workspace ws = Workspace.of(p, new ManualProviderFactory().create(config))) {
            readBack = DefaultProbes.viaProvider(p, ws.provider());
            return ws.readLive();
        }
    }

    /**
     * Addresses, not (zone, address) pairs: the round holds one report per zone an address serves, so two
     * servers of two zones are 2 addresses, and an address is in sync when it serves every zone's RRsets.
     */
    record Tally(int inSync, int addresses) {
        static Tally of(Round r) {
            Map<String, Boolean> all = new java.util.LinkedHashMap<>();
            for (AddressReport a : r.addresses()) all.merge(a.server().addressText(), a.matches(), Boolean::logicalAnd);
            return new Tally((int) all.values().stream().filter(b -> b).count(), all.size());
        }
    }

    private void report(ProgressLine line, PrintWriter err, Round r, int n, Duration elapsed) {
        List<String> lag = r.laggards().stream().map(AddressReport::describe).toList();
        Tally t = Tally.of(r);
        if (line != null) {
            line.progress(t.inSync(), t.addresses(), lag, elapsed, null);
        } else if (!output.json()) {
            err.println("round " + n + ": " + t.inSync() + "/" + t.addresses() + " addresses in sync"
                    + (lag.isEmpty() ? "" : "; waiting for " + String.join("; ", lag.subList(0, Math.min(3, lag.size())))
                    + (lag.size() > 3 ? " and " + (lag.size() - 3) + " more" : "")));
            err.flush();
        }
    }

    static ObjectNode json(Round r, List<ResolverObservation.Report> seen) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode servers = root.putArray("servers");
        for (AddressReport a : r.addresses()) {
            ObjectNode o = servers.addObject();
            o.put("zone", a.server().zone());
            o.put("name", a.server().name());
            o.put("address", a.server().addressText());
            if (a.serial() < 0) o.putNull("serial");
            else o.put("serial", a.serial());
            o.put("state", a.state().word());
            ArrayNode sets = o.putArray("rrsets");
            for (RRsetState s : a.rrsets()) {
                ObjectNode so = sets.addObject();
                so.put("name", s.key().name());
                so.put("type", s.key().type());
                so.put("state", s.state().word());
            }
        }
        ArrayNode res = root.putArray("resolvers");
        for (ResolverObservation.Report rep : seen) {
            ObjectNode o = res.addObject();
            o.put("address", rep.resolver());
            ArrayNode sets = o.putArray("rrsets");
            for (ResolverObservation.Seen s : rep.rrsets()) {
                ObjectNode so = sets.addObject();
                so.put("name", s.key().name());
                so.put("type", s.key().type());
                so.put("state", s.state());
                if (s.answer() == null) so.putNull("answer");
                else {
                    ArrayNode d = so.putArray("answer");
                    s.answer().rdata().forEach(d::add);
                }
                if (s.remaining() < 0) so.putNull("remainingTtl");
                else so.put("remainingTtl", s.remaining());
                if (s.newBy() == null) so.putNull("newBy");
                else so.put("newBy", s.newBy().toString());
            }
        }
        return root;
    }

    void text(PrintWriter out, Plan p, List<Expectation> expected, Round r, List<ResolverObservation.Report> seen, Clock clock) {
        out.println("Expected (" + (readFrom.equals("provider") ? "what the provider holds now"
                : "what the newest authoritative address serves: read without provider credentials") + "), " + expected.size() + " RRset" + (expected.size() == 1 ? "" : "s") + ":");
        int shown = 0;
        for (Expectation e : expected) {
            if (shown++ == limit) {
                out.println("  ... and " + (expected.size() - limit) + " more");
                break;
            }
            RRset s = e.rrset();
            out.println("  " + Names.relative(e.key().name(), e.zone()) + " " + e.key().type() + " (" + e.zone() + ")  "
                    + (s == null ? "absent" : "TTL " + s.ttl() + "  " + String.join(", ", s.rdata())));
        }
        out.println();
        Colour colour = Colour.of(spec);
        int zoneWidth = Math.max(4, r.addresses().stream().mapToInt(a -> a.server().zone().length()).max().orElse(4));
        out.printf("%-" + zoneWidth + "s %-28s %-22s %-12s %-12s %s%n", "ZONE", "SERVER", "ADDRESS", "SERIAL", "STATE",
                "RRSETS MATCHING");
        for (AddressReport a : r.addresses()) {
            long ok = a.rrsets().stream().filter(s -> s.state() == ServerState.MATCH).count();
            String serial = a.serial() < 0 ? "-" : Long.toString(a.serial());
            if (a.behindBy() != null) serial += " (behind " + a.behindBy() + ")";
            String name = a.server().name().equals(a.server().addressText()) ? "(listed)" : a.server().name();
            out.printf("%-" + zoneWidth + "s %-28s %-22s %-12s %s %d/%d%n", a.server().zone(), name, a.server().addressText(),
                    serial, colour.state(a.state().word(), 12), ok, a.rrsets().size());
            int listed = 0;
            for (RRsetState s : a.rrsets()) {
                if (s.state() == ServerState.MATCH) continue;
                if (listed++ == limit) {
                    out.println("    ... and more (use --output json for all)");
                    break;
                }
                out.println("    " + colour.state(s.state().word()) + ": " + (s.detail().startsWith(s.key().name()) ? s.detail()
                        : s.key() + ": " + s.detail()));
            }
        }
        out.println();
        Tally t = Tally.of(r);
        int zones = (int) r.addresses().stream().map(a -> a.server().zone()).distinct().count();
        out.println(t.inSync() + "/" + t.addresses() + " authoritative addresses serve every RRset"
                + (zones > 1 ? " of the " + zones + " zones" : "")
                + (r.settled(false) ? "" : r.settled(p.propagation().ignoreUnreachable())
                        ? " (unreachable ones ignored: unreachable: ignore)" : ""));
        if (!seen.isEmpty()) {
            out.println();
            out.println("Resolvers (a report only: when their clients see the provider's data at the latest)");
            out.printf("%-22s %-32s %-12s %-10s %s%n", "RESOLVER", "RRSET", "STATE", "TTL LEFT", "NEW BY");
            for (ResolverObservation.Report rep : seen) {
                for (ResolverObservation.Seen s : rep.rrsets()) {
                    out.printf("%-22s %-32s %s %-10s %s%n", rep.resolver(), s.key().name() + " " + s.key().type(),
                            colour.state(s.state(), 12),
                            s.remaining() < 0 ? "-" : s.remaining() + " s",
                            s.newBy() == null ? "-" : s.state().equals("match") ? "now" : s.newBy().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " ("
                                    + Durations.relative(s.newBy(), clock.instant()) + ")");
                }
            }
        }
    }
}
