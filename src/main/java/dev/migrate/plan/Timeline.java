package dev.migrate.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The plan's phases resolved to instants, in the order they run (plan order breaks ties). */
public record Timeline(Instant cutover, List<ScheduledPhase> phases) {

    public static Timeline of(Plan plan) {
        List<ScheduledPhase> out = new ArrayList<>();
        for (PhaseSpec p : plan.phases()) out.add(new ScheduledPhase(p, p.at().from(plan.cutover())));
        out.sort(Comparator.comparing(ScheduledPhase::at)); // stable: ties keep plan order
        return new Timeline(plan.cutover(), List.copyOf(out));
    }

    public Optional<ScheduledPhase> first(Action action) {
        return phases.stream().filter(p -> p.action() == action).findFirst();
    }

    public Optional<ScheduledPhase> phase(String id) {
        return phases.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public int indexOf(String id) {
        for (int i = 0; i < phases.size(); i++) if (phases.get(i).id().equals(id)) return i;
        return -1;
    }
}
