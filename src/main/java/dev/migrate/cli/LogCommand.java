package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.RRsetChange;
import dev.migrate.plan.Plan;
import dev.migrate.provider.Providers;
import dev.migrate.state.Batch;
import dev.migrate.state.Entry;
import dev.migrate.state.History;
import dev.migrate.state.StateStore;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"Show the migration's history from its journal: every run of every phase,",
                "when it ran and what it changed, each check's result and latency, the SOA",
                "serial each authoritative address served, commands and their output,",
                "approvals and who gave them, forced runs, retries, rollbacks, notifications.",
                "Reads the journal only (no lock, no provider)."})
public final class LogCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Mixin
    OutputOptions output;

    @Mixin
    StateOptions state;

    @Option(names = {"-v", "--verbose"},
            description = "Every RRset before and after, and commands' whole captured output (also stack traces on errors).")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan p = plan.load(Providers.discover());
        StateStore store = EngineFactory.store(p, state, Clock.systemUTC());
        History h;
        try {
            h = History.of(store.read());
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "state " + store.describe() + ": " + e.getMessage(), e);
        }
        if (output.json()) out.println(Json.write(json(p.name(), store.describe(), h)));
        else text(out, p.name(), store.describe(), h, verbose);
        return ExitCode.OK;
    }

    // ---------------------------------------------------------------- text

    static void text(PrintWriter out, String plan, String where, History h, boolean verbose) {
        out.println("Plan " + plan + ": " + h.lines() + " journal line" + (h.lines() == 1 ? "" : "s") + " in " + where);
        if (h.items().isEmpty()) {
            out.println("nothing has run yet");
            return;
        }
        for (History.Item i : h.items()) {
            if (i instanceof History.PhaseAttempt a) attempt(out, a, verbose);
            else if (i instanceof History.RollbackAttempt r) rollback(out, r, verbose);
            else if (i instanceof History.Approval a) {
                out.println(a.at() + "  " + a.approved().phase() + ": approved by " + clean(a.approved().by())
                        + (a.approved().required() ? "" : " (the phase does not require approval)"));
            } else if (i instanceof History.Notification n) {
                Entry.Notified x = n.notified();
                out.println(n.at() + "  notification " + x.event() + " (" + x.phase() + ") to " + x.target() + ": "
                        + (x.delivered() ? "delivered" : "NOT delivered: " + clean(x.error())) + " (" + x.attempts()
                        + " attempt" + (x.attempts() == 1 ? "" : "s") + ")");
            }
        }
    }

    private static void attempt(PrintWriter out, History.PhaseAttempt a, boolean verbose) {
        String head = a.at() + "  " + a.phase() + " (" + (a.action() == null ? "?" : a.action())
                + (a.scheduledAt() == null ? "" : ", scheduled " + a.scheduledAt()) + "): " + a.result().word();
        if (a.endedAt() != null) head += " in " + took(Duration.between(a.at(), a.endedAt()));
        if (!a.forced().isEmpty() || a.finish() != null && a.finish().forced()) head += ", FORCED";
        out.println(head);
        String in = "    ";
        for (String f : a.forced()) out.println(in + "forced past: " + clean(f));
        if (a.failure() != null) out.println(in + "why: " + clean(a.failure()));
        if (!a.writes().isEmpty()) {
            long landed = a.writes().stream().filter(w -> w.status() == Batch.Status.COMMITTED).count();
            String zones = a.writes().stream().map(History.Write::zone).distinct().collect(Collectors.joining(", "));
            out.println(in + "changed " + a.rrsetsChanged() + " RRset(s) in " + landed + " of " + a.writes().size()
                    + " batch(es) (" + zones + ")");
            for (History.Write w : a.writes()) {
                if (w.status() != Batch.Status.COMMITTED || w.recovered()) {
                    out.println(in + "batch " + w.id() + ": " + w.status().name().toLowerCase(Locale.ROOT)
                            + (w.recovered() ? " (settled by a later run)" : "") + (w.reason() == null ? ""
                            : ": " + clean(w.reason())));
                }
                if (verbose) Render.changes(out, w.changes(), in + "  ", Integer.MAX_VALUE);
            }
        }
        for (History.Retry r : a.retries()) {
            out.println(in + "retried batch " + r.batch() + " (attempt " + r.attempt() + ") at " + r.at() + ": " + clean(r.reason()));
        }
        for (History.Check c : a.checks()) {
            Entry.CheckRan x = c.check();
            out.println(in + "check " + x.check() + (x.during().equals(a.phase()) ? "" : " (" + x.during() + ")") + ": "
                    + (x.passed() ? "passed" : "FAILED") + " in " + x.latency().toMillis() + " ms"
                    + (x.detail() == null ? "" : ": " + clean(x.detail())));
        }
        for (History.Serials s : a.serials()) out.println(in + "serials at " + s.at() + ": " + serials(s.serials()));
        if (a.command() != null) command(out, a.command(), in, verbose);
        if (a.finish() != null && a.finish().safeSwap() != null) {
            Entry.SafeSwap s = a.finish().safeSwap();
            out.println(in + "lowered TTL everywhere at " + s.confirmedAt() + "; largest original TTL " + s.maxOriginalTtl()
                    + " s, margin " + Durations.human(s.margin()) + ": earliest safe swap " + s.earliestSafeSwap());
        } else if (a.finish() != null && a.finish().confirmedAt() != null) {
            out.println(in + "live on every authoritative address at " + a.finish().confirmedAt());
        }
    }

    private static void command(PrintWriter out, Entry.CommandRan c, String in, boolean verbose) {
        out.println(in + "command " + clean(c.command()) + ": " + (c.startError() != null ? "did not start: " + clean(c.startError())
                : c.timedOut() ? "killed at its timeout after " + took(c.took())
                : "exited " + c.exitCode() + " after " + took(c.took())));
        stream(out, "stdout", c.stdout(), in, verbose);
        stream(out, "stderr", c.stderr(), in, verbose);
    }

    private static void stream(PrintWriter out, String name, Entry.Output o, String in, boolean verbose) {
        if (o.bytes() == 0) return;
        if (!verbose) {
            String[] lines = o.text().split("\n");
            String last = lines.length == 0 ? "" : lines[lines.length - 1];
            out.println(in + name + " (" + o.bytes() + " bytes), last line: " + clean(last));
            return;
        }
        out.println(in + name + " (" + o.bytes() + " bytes):");
        for (String l : o.text().split("\n", -1)) out.println(in + "  | " + clean(l));
    }

    /** {@code example.test.: ns1.example.test. 127.0.0.1:5301 2026112002, 127.0.0.1:5302 none (unreachable)}. */
    static String serials(List<Entry.Serial> seen) {
        Map<String, List<Entry.Serial>> byZone = new LinkedHashMap<>();
        for (Entry.Serial s : seen) byZone.computeIfAbsent(s.zone(), z -> new java.util.ArrayList<>()).add(s);
        return byZone.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().stream()
                .map(s -> (s.server().equals(s.address()) ? s.address() : s.server() + " " + s.address()) + " "
                        + (s.serial() == null ? "none" : s.serial().toString())
                        + ("match".equals(s.state()) ? "" : " (" + s.state() + ")"))
                .collect(Collectors.joining(", "))).collect(Collectors.joining("; "));
    }

    private static void rollback(PrintWriter out, History.RollbackAttempt r, boolean verbose) {
        String head = r.at() + "  rollback" + (r.forcedRun() ? " (--force)" : "") + ": " + r.result().word();
        if (r.endedAt() != null) head += " in " + took(Duration.between(r.at(), r.endedAt()));
        if (r.result() == History.Result.DONE) head += ", " + r.undone() + " RRset change(s) undone";
        out.println(head);
        String in = "    ";
        if (r.failure() != null) out.println(in + "why: " + clean(r.failure()));
        for (String f : r.forced()) out.println(in + "overwrote: " + clean(f));
        for (History.Retry x : r.retries()) {
            out.println(in + "retried batch " + x.batch() + " (attempt " + x.attempt() + ") at " + x.at() + ": " + clean(x.reason()));
        }
        if (verbose) for (History.Write w : r.writes()) Render.changes(out, w.changes(), in + "  ", Integer.MAX_VALUE);
    }

    private static String took(Duration d) {
        return d.toMillis() < 60_000 ? String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0) : Durations.human(d);
    }

    /**
     * Journal text can hold what a command printed or a server answered: control characters (a terminal
     * escape sequence) are shown as '?', never sent to the operator's terminal.
     */
    static String clean(String s) {
        if (s == null) return "";
        return s.replaceAll("[\\x00-\\x08\\x0b-\\x1f\\x7f\\x9b]", "?");
    }

    // ---------------------------------------------------------------- json

    /** The shape README "migrate log" documents. */
    static ObjectNode json(String plan, String where, History h) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("plan", plan);
        root.put("state", where);
        root.put("lines", h.lines());
        ArrayNode items = root.putArray("history");
        for (History.Item i : h.items()) {
            ObjectNode o = items.addObject();
            if (i instanceof History.PhaseAttempt a) attempt(o, a);
            else if (i instanceof History.RollbackAttempt r) rollback(o, r);
            else if (i instanceof History.Approval a) {
                o.put("kind", "approval");
                o.put("at", a.at().toString());
                o.put("phase", a.approved().phase());
                o.put("by", a.approved().by());
                o.put("required", a.approved().required());
                o.put("planSha256", a.approved().planSha256());
            } else if (i instanceof History.Notification n) {
                Entry.Notified x = n.notified();
                o.put("kind", "notification");
                o.put("at", n.at().toString());
                o.put("event", x.event());
                o.put("phase", x.phase());
                o.put("target", x.target());
                o.put("delivered", x.delivered());
                o.put("attempts", x.attempts());
                o.put("error", x.error());
            }
        }
        return root;
    }

    private static void attempt(ObjectNode o, History.PhaseAttempt a) {
        o.put("kind", "phase");
        o.put("phase", a.phase());
        o.put("action", a.action());
        put(o, "scheduledAt", a.scheduledAt());
        put(o, "startedAt", a.at());
        put(o, "endedAt", a.endedAt());
        o.put("result", a.result().word());
        o.put("failure", a.failure());
        o.put("verdict", a.verdict());
        o.put("forced", !a.forced().isEmpty() || a.finish() != null && a.finish().forced());
        ArrayNode forced = o.putArray("forcedReasons");
        a.forced().forEach(forced::add);
        put(o, "confirmedAt", a.finish() == null ? null : a.finish().confirmedAt());
        if (a.finish() == null || a.finish().safeSwap() == null) o.putNull("safeSwap");
        else {
            Entry.SafeSwap s = a.finish().safeSwap();
            ObjectNode safe = o.putObject("safeSwap");
            put(safe, "confirmedAt", s.confirmedAt());
            safe.put("maxOriginalTtl", s.maxOriginalTtl());
            safe.put("marginSeconds", s.margin().toSeconds());
            put(safe, "earliestSafeSwap", s.earliestSafeSwap());
        }
        o.put("rrsetsChanged", a.rrsetsChanged());
        writes(o, a.writes(), a.retries());
        ArrayNode checks = o.putArray("checks");
        for (History.Check c : a.checks()) {
            ObjectNode x = checks.addObject();
            x.put("at", c.at().toString());
            x.put("during", c.check().during());
            x.put("check", c.check().check());
            x.put("passed", c.check().passed());
            x.put("detail", c.check().detail());
            x.put("latencyMs", c.check().latency().toMillis());
        }
        ArrayNode serials = o.putArray("serials");
        for (History.Serials s : a.serials()) {
            for (Entry.Serial x : s.serials()) {
                ObjectNode n = serials.addObject();
                n.put("at", s.at().toString());
                n.put("zone", x.zone());
                n.put("server", x.server());
                n.put("address", x.address());
                if (x.serial() == null) n.putNull("serial");
                else n.put("serial", x.serial());
                n.put("state", x.state());
            }
        }
        if (a.command() == null) o.putNull("command");
        else {
            Entry.CommandRan c = a.command();
            ObjectNode x = o.putObject("command");
            x.put("command", c.command());
            if (c.exitCode() == null) x.putNull("exitCode");
            else x.put("exitCode", c.exitCode());
            x.put("timedOut", c.timedOut());
            x.put("startError", c.startError());
            x.put("millis", c.took().toMillis());
            x.put("stdout", c.stdout().text());
            x.put("stdoutBytes", c.stdout().bytes());
            x.put("stderr", c.stderr().text());
            x.put("stderrBytes", c.stderr().bytes());
        }
    }

    private static void rollback(ObjectNode o, History.RollbackAttempt r) {
        o.put("kind", "rollback");
        put(o, "startedAt", r.at());
        put(o, "endedAt", r.endedAt());
        o.put("result", r.result().word());
        o.put("forced", r.forcedRun());
        o.put("undone", r.undone());
        o.put("failure", r.failure());
        ArrayNode forced = o.putArray("forcedReasons");
        r.forced().forEach(forced::add);
        writes(o, r.writes(), r.retries());
    }

    private static void writes(ObjectNode o, List<History.Write> writes, List<History.Retry> retries) {
        ArrayNode batches = o.putArray("batches");
        for (History.Write w : writes) {
            ObjectNode b = batches.addObject();
            b.put("id", w.id());
            b.put("zone", w.zone());
            b.put("status", w.status().name().toLowerCase(Locale.ROOT));
            b.put("recovered", w.recovered());
            b.put("reason", w.reason());
            ArrayNode ch = b.putArray("changes");
            for (RRsetChange c : w.changes()) ch.add(Json.change(c));
        }
        ArrayNode rs = o.putArray("retries");
        for (History.Retry r : retries) {
            ObjectNode x = rs.addObject();
            x.put("at", r.at().toString());
            x.put("batch", r.batch());
            x.put("attempt", r.attempt());
            x.put("reason", r.reason());
        }
    }

    private static void put(ObjectNode o, String k, Instant v) {
        if (v == null) o.putNull(k);
        else o.put(k, v.toString());
    }
}
