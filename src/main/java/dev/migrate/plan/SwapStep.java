package dev.migrate.plan;

import java.util.List;

/**
 * What one swap phase changes: its own {@code changes:} and {@code rewrite:}, or the plan's top-level ones,
 * in its {@code zones:} (all the plan's zones when it names none; {@code rest} resolved to the zones no
 * earlier swap phase named).
 */
public record SwapStep(String phase, List<String> zones, List<ChangeSpec> changes, List<RewriteRule> rewrites) {
    public SwapStep {
        zones = List.copyOf(zones);
        changes = List.copyOf(changes);
        rewrites = List.copyOf(rewrites);
    }
}
