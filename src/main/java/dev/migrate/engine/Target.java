package dev.migrate.engine;

import dev.migrate.dns.RRsetKey;
import java.util.List;

/**
 * An RRset the plan moves, after rewrite rules are expanded against live data.
 *
 * @param from   data expected live before the swap, or null when the plan does not say
 * @param to     data after the swap; empty deletes the RRset
 * @param source what in the plan asked for it, for operators: "change" or "rewrite A -> B"
 */
public record Target(String zone, RRsetKey key, List<String> from, List<String> to, String source) {}
