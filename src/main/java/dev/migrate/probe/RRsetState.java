package dev.migrate.probe;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;

/**
 * One RRset as one address served it in one round.
 *
 * @param served what the address answered (null: no such RRset, or no usable answer)
 * @param detail empty for a match; otherwise why not, in an operator's words
 */
public record RRsetState(RRsetKey key, ServerState state, RRset served, String detail) {}
