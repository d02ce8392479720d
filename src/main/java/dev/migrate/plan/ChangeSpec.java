package dev.migrate.plan;

import java.util.List;

/**
 * One explicit RRset move. Names are absolute; data is normalised.
 *
 * @param from the data expected live now, or null when the plan does not say
 * @param to   the data after the swap; empty deletes the RRset
 */
public record ChangeSpec(String zone, String name, String type, List<String> from, List<String> to, Location at) {}
