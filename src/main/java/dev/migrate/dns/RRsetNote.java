package dev.migrate.dns;

import java.util.Objects;

/**
 * What a provider knows about one RRset beyond its DNS data, travelling with the {@link ZoneSnapshot} it
 * read so the planner and the engine see it without asking which provider they talk to.
 *
 * @param ttlFixed    the provider decides this RRset's TTL and refuses to change it: lower-ttl and
 *                    restore-ttl leave it alone and the swap keeps its TTL
 * @param instantSwap resolvers never cache this RRset's data (e.g. a Cloudflare proxied record is answered
 *                    with Cloudflare's own edge addresses), so its old TTL does not delay a safe swap
 * @param why         one line for operators saying what the provider does and why it matters
 * @param refusedAsTarget the provider holds something at this name and type that this tool cannot write as an
 *                    RRset (a Route 53 alias, or records sharing the name and type under routing policies): a
 *                    plan that targets it is refused, and nothing else touches it. Such a note may name an
 *                    RRset the snapshot does not list, since its data cannot be expressed as one
 */
public record RRsetNote(boolean ttlFixed, boolean instantSwap, String why, boolean refusedAsTarget) {
    public RRsetNote {
        Objects.requireNonNull(why, "why");
    }

    public RRsetNote(boolean ttlFixed, boolean instantSwap, String why) {
        this(ttlFixed, instantSwap, why, false);
    }

    /** Something at this name and type that a plan must not target; {@code why} says what and why. */
    public static RRsetNote refused(String why) {
        return new RRsetNote(true, false, why, true);
    }
}
