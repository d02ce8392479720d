package dev.migrate.engine.action;

import dev.migrate.dns.RRsetChange;
import dev.migrate.engine.EngineEvent;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.JournalFacts;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Verdict;
import dev.migrate.exec.Commands;
import dev.migrate.plan.OnFailure;
import dev.migrate.plan.Plan;
import dev.migrate.plan.RunSpec;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * run: the plan's command (flush caches at the swap, copy mailboxes in the mail hold, turn the old server
 * into a proxy). Exit 0 is done; anything else fails the phase (exit 3) and follows {@code onFailure}:
 * {@code halt} (the default) stops, {@code rollback} undoes what the journal records. A command is not
 * assumed safe to run twice: once it failed, or a run died while it ran, it runs again only when the
 * operator names it ({@code apply --phase ID}).
 */
final class RunCommand implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        ScheduledPhase p = run.phase();
        Optional<JournalState.PhaseRecord> before = run.journal().phase(p.id());
        if (before.isPresent() && !run.named()) {
            JournalState.PhaseRecord r = before.get();
            String what = r.failedAt() != null ? "its command failed at " + r.failedAt() + " (" + r.failure() + ")"
                    : "a run that started its command at " + r.startedAt() + " ended before the command did, so whether"
                            + " it finished is unknown";
            return new PhaseOutcome.Blocked(what + ". A command may not be safe to run twice, so it does not run again by"
                    + " itself: check, then 'migrate apply " + run.plan().file() + " --phase " + p.id()
                    + "' to run it again, or 'migrate rollback'");
        }
        run.started(false);
        Commands.Outcome o = run.runCommand(request(run.plan(), p, variables(run)));
        if (o.succeeded()) {
            return run.finished(o.simulated() ? o.stdout().text() : "command exited 0 after " + seconds(o), List.of(),
                    Entry.PhaseFinished.plain(p.id()));
        }
        String why = failure(p.spec().run(), o);
        run.failed(why, Verdict.CHECK_FAILED);
        if (p.spec().onFailure() == OnFailure.HALT) {
            return new PhaseOutcome.Failed(why + ". onFailure is halt: nothing was rolled back; fix it, then 'migrate"
                    + " apply --phase " + p.id() + "' runs it again, or 'migrate rollback'", Verdict.CHECK_FAILED);
        }
        run.emit(new EngineEvent.RollingBack(p.id(), why));
        try {
            // The swaps in place before this command are taken back, the TTLs kept low, as confirm does.
            java.util.Set<String> swaps = new java.util.LinkedHashSet<>();
            for (ScheduledPhase s : run.timeline().before(p)) if (s.action() == dev.migrate.plan.Action.SWAP) swaps.add(s.id());
            PhaseRun.Reverted r = run.rollback(swaps);
            return new PhaseOutcome.RolledBack(why + ". onFailure is rollback: " + r.undone().size()
                    + " RRset change(s) undone; the old records are served again" + r.servedAt()
                    + (r.live() ? " on every authoritative address" : ", not yet on every address: " + r.seen())
                    + (r.restoreAt() == null ? "" : "; the TTLs stay lowered until restore-ttl at " + r.restoreAt()),
                    r.undone());
        } catch (EngineException e) {
            return new PhaseOutcome.Failed(why + ". The rollback that followed stopped: " + e.getMessage(),
                    Verdict.CHECK_FAILED);
        }
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        RunSpec spec = p.phase().spec().run();
        String secrets = spec.env().entrySet().stream()
                .filter(e -> e.getValue() instanceof RunSpec.EnvValue.FromSecret)
                .map(e -> e.getKey() + " from " + ((RunSpec.EnvValue.FromSecret) e.getValue()).ref().describe())
                .collect(Collectors.joining(", "));
        return new PhaseOutcome.WouldRun("would run " + spec.display() + " in " + p.plan().baseDir() + " (timeout "
                + Durations.human(p.phase().spec().timeoutOrDefault()) + "; exit 0 is done, anything else "
                + (p.phase().spec().onFailure() == OnFailure.HALT ? "halts" : "rolls back") + ")"
                + (secrets.isEmpty() ? "" : "; secrets by env: " + secrets), List.of());
    }

    /** The process to start: argv as given, or {@code /bin/sh -c SCRIPT}; secrets named, not read (that is the edge's). */
    static Commands.Request request(Plan plan, ScheduledPhase p, Map<String, String> variables) {
        RunSpec spec = p.spec().run();
        Map<String, String> vars = new LinkedHashMap<>(variables);
        Map<String, dev.migrate.plan.SecretRef> secrets = new LinkedHashMap<>();
        spec.env().forEach((name, v) -> {
            if (v instanceof RunSpec.EnvValue.Plain plain) vars.put(name, plain.value());
            else secrets.put(name, ((RunSpec.EnvValue.FromSecret) v).ref());
        });
        List<String> argv = spec.shell() ? List.of("/bin/sh", "-c", spec.argv().get(0)) : spec.argv();
        return new Commands.Request(argv, spec.display(), plan.baseDir(), vars, secrets, p.spec().timeoutOrDefault());
    }

    /**
     * What the command is told about the migration (README, "action: run"). Not {@code MIGRATE_NOW} nor
     * {@code MIGRATE_STATE_DIR}: migrate itself reads those, and a command that calls migrate must not
     * inherit a frozen clock or another plan's state directory.
     */
    static Map<String, String> variables(PhaseRun run) {
        ScheduledPhase p = run.phase();
        Plan plan = run.plan();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("MIGRATE_PLAN", plan.name());
        v.put("MIGRATE_PLAN_FILE", plan.file().toAbsolutePath().toString());
        v.put("MIGRATE_PHASE", p.id());
        v.put("MIGRATE_ZONES", plan.zones().stream().map(z -> z.endsWith(".") ? z.substring(0, z.length() - 1) : z)
                .collect(Collectors.joining(" ")));
        v.put("MIGRATE_CUTOVER", plan.cutover().toString());
        v.put("MIGRATE_SCHEDULED_AT", p.at().toString());
        v.put("MIGRATE_STARTED_AT", run.now().toString());
        Instant safe = JournalFacts.earliestSafeSwap(run.timeline(), run.journal());
        if (safe != null) v.put("MIGRATE_EARLIEST_SAFE_SWAP", safe.toString());
        v.put("MIGRATE_JOURNAL", run.journalLocation());
        return v;
    }

    private static String failure(RunSpec spec, Commands.Outcome o) {
        String what = "command " + spec.display();
        if (o.startError() != null) return what + " did not start: " + o.startError();
        String ended = o.timedOut() ? " outlived its timeout and was killed after " + seconds(o)
                : " exited " + o.exitCode() + " after " + seconds(o);
        String last = o.stderr().lastLine().isEmpty() ? o.stdout().lastLine() : o.stderr().lastLine();
        if (last.length() > 200) last = last.substring(0, 200) + "...";
        return what + ended + (last.isEmpty() ? "" : "; it last said: " + last);
    }

    private static String seconds(Commands.Outcome o) {
        return String.format(java.util.Locale.ROOT, "%.1f s", o.took().toMillis() / 1000.0);
    }
}
