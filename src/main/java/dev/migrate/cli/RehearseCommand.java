package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineEvent;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseResult;
import dev.migrate.engine.Planner;
import dev.migrate.engine.Preview;
import dev.migrate.engine.Rehearsal;
import dev.migrate.engine.Workspace;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Timeline;
import dev.migrate.provider.Providers;
import dev.migrate.provider.zonefile.ZoneFiles;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rehearse", mixinStandardHelpOptions = true,
        description = {"Play the whole timeline on virtual time against a sandbox: an in-process nameserver on",
                "127.0.0.1 loaded with a copy of the live zones. Nothing real is touched.",
                "Exit 0 the plan rehearsed cleanly; 3 a check or confirmation failed as the real run would;",
                "4 the plan is unsafe (the swap could not run when planned)."})
public final class RehearseCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Mixin
    OutputOptions output;

    @Mixin
    CommonOptions common;

    @Option(names = "--zones", paramLabel = "DIR",
            description = "Load the zones from <DIR>/<zone>.zone instead of reading them from the plan's provider.")
    Path zonesDir;

    @Option(names = "--fail-check", paramLabel = "ID", description = "Make this check fail (repeatable).")
    List<String> failChecks = List.of();

    @Option(names = "--lagging-server", description = "One sandbox secondary stops taking updates from the swap on.")
    boolean lagging;

    @Option(names = "--late", paramLabel = "PHASE=DURATION", description = "Run PHASE this much after its time, as if cron"
            + " had been down (repeatable), e.g. --late lower-ttl=70h.")
    Map<String, String> late = new LinkedHashMap<>();

    @Option(names = "--servers", defaultValue = "2", description = "Sandbox nameservers (default 2: a primary and a secondary).")
    int servers;

    @Option(names = "--limit", defaultValue = "20", description = "Most RRsets listed per phase in text output.")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long wallStart = System.nanoTime();
        Providers providers = Providers.discover();
        Plan p = plan.load(providers);
        Map<String, Duration> lateBy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : late.entrySet()) {
            try {
                lateBy.put(e.getKey(), Durations.parse(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new CliException(ExitCode.INVALID, "--late " + e.getKey() + "=" + e.getValue() + ": " + ex.getMessage());
            }
        }
        Map<String, ZoneSnapshot> live = zonesDir != null ? fromFiles(p) : fromProvider(p, providers);
        Preview preview = Planner.preview(p, live, new dev.migrate.provider.Capabilities(true, true, 0,
                2147483647L, java.util.Set.of(), true, 1000), common.instant());
        boolean text = !output.json();
        if (text) header(out, p, live, preview);
        Rehearsal.Listener listener = text ? s -> step(out, s) : Rehearsal.Listener.NONE;
        Rehearsal.Result r;
        try {
            r = Rehearsal.run(p, live, new Rehearsal.Options(new HashSet<>(failChecks), lagging, lateBy, servers), listener);
        } catch (EngineException e) {
            throw new CliException(e.verdict().exitCode(), e.getMessage(), e);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - wallStart);
        if (text) footer(out, p, preview, r, wall);
        else out.println(Json.write(json(p, preview, r, wall)));
        return r.verdict().exitCode();
    }

    private Map<String, ZoneSnapshot> fromFiles(Plan p) {
        Map<String, ZoneSnapshot> m = new LinkedHashMap<>();
        for (String z : p.zones()) {
            Path f = zonesDir.resolve(z.substring(0, z.length() - 1) + ".zone");
            try {
                m.put(z, ZoneFiles.read(f, z));
            } catch (IOException | RuntimeException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + f + ": " + e.getMessage());
            }
        }
        return m;
    }

    private Map<String, ZoneSnapshot> fromProvider(Plan p, Providers providers) throws Exception {
        // Only reads: the rehearsal copies the live zones and never writes to the real provider.
        try (Workspace ws = Workspace.open(p, providers, System::getenv, common.clock())) {
            return ws.readLive();
        }
    }

    private void header(PrintWriter out, Plan p, Map<String, ZoneSnapshot> live, Preview preview) {
        int rrsets = live.values().stream().mapToInt(ZoneSnapshot::size).sum();
        out.println("Rehearsal of " + p.name() + ": " + live.size() + " zone(s), " + rrsets + " RRsets copied into a sandbox"
                + " of " + Math.max(lagging ? 2 : 1, servers) + " nameserver(s) on 127.0.0.1; virtual time; nothing real is touched");
        out.println();
        for (String line : TimelinePicture.draw(preview.timeline(), preview.safety().earliestSafeSwap(), null, 72)) {
            out.println("  " + line);
        }
        out.println();
    }

    private void step(PrintWriter out, Rehearsal.Step s) {
        PhaseResult r = s.result();
        out.printf("%s  %-12s %-11s %s%n", s.at(), r.phase(), r.outcome().word(), r.message());
        for (EngineEvent e : s.events()) {
            if (e instanceof EngineEvent.CheckResult || e instanceof EngineEvent.Forced) out.println("      " + EventText.line(e));
        }
        if (!r.changes().isEmpty()) Render.changes(out, r.changes(), "      ", limit);
    }

    private void footer(PrintWriter out, Plan p, Preview preview, Rehearsal.Result r, Duration wall) {
        out.println();
        if (r.actualSwap() != null && r.plannedSwap() != null && !r.actualSwap().equals(r.plannedSwap())) {
            out.println("Timeline as it ran (the swap moved):");
            for (String line : TimelinePicture.draw(Timeline.of(p), r.earliestSafeSwap(), r.actualSwap(), 72)) {
                out.println("  " + line);
            }
            out.println();
        }
        for (String n : r.notes()) out.println("note: " + n);
        int writes = r.changes().stream().mapToInt(c -> c.changes().size()).sum();
        out.println("The sandbox received " + r.changes().size() + " write(s) (" + writes + " RRset changes); "
                + Durations.human(r.virtualSpan()) + " of timeline rehearsed in " + String.format("%.1f", wall.toMillis() / 1000.0)
                + " s.");
        out.println();
        Colour colour = Colour.of(spec);
        String verdict = r.verdictText() + " (exit " + r.verdict().exitCode() + ").";
        out.println("Verdict: " + (r.verdict().exitCode() == 0 ? colour.good(verdict) : colour.failed(verdict)));
        if (r.verdict().exitCode() == 0) {
            out.println("A real run: put '*/5 * * * * migrate apply " + p.file() + " --quiet' in cron (or run 'migrate"
                    + " apply " + p.file() + " --wait');");
            preview.timeline().phases().forEach(ph -> out.println("  " + ph.at() + "  " + ph.id() + ": " + what(ph.action())));
        }
    }

    private static String what(dev.migrate.plan.Action a) {
        return switch (a) {
            case LOWER_TTL -> "lowers the TTLs and waits until every nameserver serves them";
            case VERIFY -> "checks the new servers directly and that the live records are still the expected ones";
            case SWAP -> "writes the new records (only once the old TTLs have run out everywhere)";
            case CONFIRM -> "waits until every nameserver serves the new records; rolls back if they do not";
            case RESTORE_TTL -> "puts the TTLs back up";
            case RUN -> "runs the plan's command (the rehearsal only simulates it)";
            case COPY_ZONE -> "copies the zone to the new provider";
            case COMPARE -> "checks that every new nameserver serves exactly the old zone";
            case DELEGATE -> "the delegation moves to the new nameservers at the registrar";
            case AWAIT_DELEGATION -> "waits until every parent server delegates to the new nameservers";
            case RELEASE_OLD -> "lets go of the old provider once the old delegation has run out of every cache";
        };
    }

    private static ObjectNode json(Plan p, Preview preview, Rehearsal.Result r, Duration wall) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("plan", p.name());
        root.put("verdict", r.verdictText());
        root.put("exitCode", r.verdict().exitCode());
        ArrayNode steps = root.putArray("steps");
        for (Rehearsal.Step s : r.steps()) {
            ObjectNode o = steps.addObject();
            o.put("at", s.at().toString());
            o.put("finishedAt", s.finishedAt().toString());
            o.put("phase", s.result().phase());
            o.put("result", s.result().outcome().word());
            o.put("message", s.result().message());
            ArrayNode ch = o.putArray("changes");
            for (RRsetChange c : s.result().changes()) ch.add(Json.change(c));
        }
        ArrayNode writes = root.putArray("writes");
        for (Rehearsal.Recorded w : r.changes()) {
            ObjectNode o = writes.addObject();
            o.put("at", w.at().toString());
            o.put("zone", w.zone());
            o.put("serial", w.serial());
            ArrayNode ch = o.putArray("changes");
            for (RRsetChange c : w.changes()) ch.add(Json.change(c));
        }
        root.put("plannedSwap", r.plannedSwap() == null ? null : r.plannedSwap().toString());
        root.put("actualSwap", r.actualSwap() == null ? null : r.actualSwap().toString());
        root.put("earliestSafeSwap", r.earliestSafeSwap() == null ? null : r.earliestSafeSwap().toString());
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        root.put("virtualSeconds", r.virtualSpan().toSeconds());
        root.put("wallMillis", wall.toMillis());
        return root;
    }
}
