package dev.migrate.probe;

/**
 * What one authoritative address says about an RRset, or about itself (the worst of its RRsets).
 * Ordered from good to bad: an address's state is the highest of its RRsets' states.
 */
public enum ServerState {
    /** Serves exactly the expected data and TTL (or, when absence is expected, no such RRset). */
    MATCH("match"),
    /** NXDOMAIN/NODATA where data is expected: the change has not reached it yet (DOMAIN.md: "not yet", not an error). */
    NOT_YET("not-yet"),
    /** Serves other data or another TTL: an old copy of the zone. */
    STALE("stale"),
    /** Answered without the AA bit: it does not (or no longer) hold the zone, e.g. a referral. */
    LAME("lame"),
    /** REFUSED or NOTAUTH: it will not answer for the zone. */
    REFUSED("refused"),
    /** SERVFAIL, FORMERR or another error rcode: e.g. a secondary whose copy expired. */
    ERROR("error"),
    /** No answer after every try: timeout, port unreachable. */
    UNREACHABLE("unreachable");

    private final String word;

    ServerState(String word) {
        this.word = word;
    }

    /** The operator's word, as in text and JSON output. */
    public String word() {
        return word;
    }

    public ServerState worst(ServerState other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    @Override
    public String toString() {
        return word;
    }
}
