package dev.migrate.plan;

import dev.migrate.state.StateLocation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A validated plan file. Names are absolute and lower case, record data normalised, zones end with a dot.
 * {@code state} is where the plan says its state lives ({@code state:}), null when it does not say.
 *
 * @param move the provider move ({@code move:}), or null when the zones stay with their provider
 */
public record Plan(
        Path file,
        String name,
        Instant cutover,
        ProviderSpec provider,
        List<String> zones,
        TtlPolicy ttl,
        List<ChangeSpec> changes,
        List<RewriteRule> rewrites,
        List<PhaseSpec> phases,
        List<CheckSpec> checks,
        Propagation propagation,
        List<SwapStep> steps,
        StateLocation state,
        List<NotifySpec> notifications,
        MoveSpec move) {

    /** What the swap phase {@code phaseId} changes. */
    public Optional<SwapStep> step(String phaseId) {
        return steps.stream().filter(s -> s.phase().equals(phaseId)).findFirst();
    }

    /** Every explicit change of every swap step, in plan order (adapters that read name by name need them). */
    public List<ChangeSpec> allChanges() {
        List<ChangeSpec> out = new java.util.ArrayList<>();
        for (SwapStep s : steps) out.addAll(s.changes());
        if (steps.isEmpty()) out.addAll(changes);
        return out;
    }

    /** Relative paths in the plan (zone directory, CA files, secret files) are taken against this. */
    public Path baseDir() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    public Optional<PhaseSpec> phase(String id) {
        return phases.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public Optional<PhaseSpec> firstWith(Action action) {
        return phases.stream().filter(p -> p.action() == action).findFirst();
    }

    public Optional<CheckSpec> check(String id) {
        return checks.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The checks a phase runs: those it names, else every check of the plan. */
    public List<CheckSpec> checksFor(PhaseSpec phase) {
        if (phase.checks() == null) return checks;
        List<CheckSpec> out = new java.util.ArrayList<>();
        for (String id : phase.checks()) check(id).ifPresent(out::add);
        return out;
    }
}
