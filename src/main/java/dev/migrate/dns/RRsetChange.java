package dev.migrate.dns;

import java.util.Objects;

/**
 * One RRset moving from a before-image to an after-image in a zone. A null before-image means the
 * RRset is created; a null after-image means it is deleted. The before-image doubles as the
 * compare-and-set condition: a provider must refuse the change when the live RRset differs from it.
 */
public record RRsetChange(String zone, RRsetKey key, RRset before, RRset after) {
    public RRsetChange {
        zone = Names.canonical(zone);
        Objects.requireNonNull(key, "key");
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a before-image or an after-image: " + key);
        }
        if (before != null && !before.key().equals(key) || after != null && !after.key().equals(key)) {
            throw new IllegalArgumentException("images do not match the key " + key);
        }
    }

    public static RRsetChange of(String zone, RRset before, RRset after) {
        return new RRsetChange(zone, before != null ? before.key() : after.key(), before, after);
    }

    public enum Kind { CREATE, DELETE, DATA, TTL, NONE }

    public Kind kind() {
        if (before == null) return Kind.CREATE;
        if (after == null) return Kind.DELETE;
        if (!before.sameData(after)) return Kind.DATA;
        if (before.ttl() != after.ttl()) return Kind.TTL;
        return Kind.NONE;
    }

    /** The change that undoes this one. */
    public RRsetChange inverse() {
        return new RRsetChange(zone, key, after, before);
    }
}
