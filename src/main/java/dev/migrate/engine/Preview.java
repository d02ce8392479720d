package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Timeline;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What {@code migrate plan} shows: the timeline, each DNS-changing phase's changes, and the safety analysis. */
public record Preview(
        Plan plan,
        Instant now,
        Timeline timeline,
        List<Target> targets,
        Map<String, List<RRsetChange>> changesByPhase,
        SafetyReport safety) {}
