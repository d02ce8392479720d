package dev.migrate.plan;

import java.util.List;

/**
 * The {@code move:} block: the zones move to another DNS provider, and their delegation with them.
 *
 * @param to          the new provider, a block like {@code provider:} (its {@code type} and the adapter's keys)
 * @param nameservers the new NS set, absolute and lower case: the apex NS at the new provider, and the
 *                    delegation the parent must serve in the end
 * @param servers     the new servers' addresses ({@code IP:port}) to compare on; empty means every A and
 *                    AAAA of {@code nameservers}, looked up through the plan's resolvers
 * @param parent      the parent zone's server addresses ({@code IP:port}) to check the delegation on; empty
 *                    means {@code auto} (found through the plan's resolvers)
 * @param dnssec      how to move with a DS at the parent; null when the plan does not say (then a DS there
 *                    stops the move)
 */
public record MoveSpec(ProviderSpec to, List<String> nameservers, List<String> servers, List<String> parent,
        Dnssec dnssec, Location at) {

    public MoveSpec {
        nameservers = List.copyOf(nameservers);
        servers = List.copyOf(servers);
        parent = List.copyOf(parent);
    }

    /** The parent's servers are found through the resolvers ({@code parent: auto}). */
    public boolean parentAuto() {
        return parent.isEmpty();
    }

    /**
     * What to do about a DS at the parent while the zone moves (DOMAIN.md, "Delegation moves": a DS over a
     * zone the new provider does not sign with matching keys makes validating resolvers answer SERVFAIL).
     */
    public enum Dnssec {
        /** Remove the DS at the registrar first; the delegation moves once its TTL has run out everywhere. */
        REMOVE_DS_FIRST("remove-ds-first"),
        /** Both providers serve the same keys (multi-signer, RFC 8901): the DS stays; the new zone must match it. */
        SAME_KEYS("same-keys");

        private final String word;

        Dnssec(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Dnssec fromWord(String w) {
            for (Dnssec d : values()) if (d.word.equals(w)) return d;
            return null;
        }

        @Override
        public String toString() {
            return word;
        }
    }
}
