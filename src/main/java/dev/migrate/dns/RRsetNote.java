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
 */
public record RRsetNote(boolean ttlFixed, boolean instantSwap, String why) {
    public RRsetNote {
        Objects.requireNonNull(why, "why");
    }
}
