package dev.migrate.provider;

import dev.migrate.dns.RRsetKey;
import java.util.List;

/** A provider failure, classified so the engine can decide whether to retry and what to tell the operator. */
public class ProviderException extends Exception {

    public enum Kind {
        /** Someone else changed an RRset since its before-image was taken. */
        CONFLICT(false),
        /** Credentials missing, wrong, or not allowed to do this. */
        AUTH(false),
        /** The server refused by policy. */
        REFUSED(false),
        /** The zone is unknown to the provider or not served by it. */
        NOT_FOUND(false),
        /** The request was malformed or the data was rejected. */
        INVALID(false),
        /** Could not reach the provider. */
        UNREACHABLE(true),
        /** No answer in time. */
        TIMEOUT(true),
        /** The provider failed on its side (SERVFAIL, HTTP 5xx). */
        SERVER(true),
        /** Told to slow down (HTTP 429). */
        RATE_LIMITED(true),
        /** Local files could not be read or written. */
        IO(false),
        /**
         * A change left to someone else (the {@code manual} provider's operator, a hosting panel) was not
         * served by every authoritative address in time. Not retried: trying again means asking the person
         * again and waiting as long again.
         */
        NOT_DONE(false);

        private final boolean transientFailure;

        Kind(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }

        public boolean isTransient() {
            return transientFailure;
        }
    }

    private final Kind kind;
    private final List<RRsetKey> conflicts;
    private final java.time.Duration retryAfter;

    public ProviderException(Kind kind, String message) {
        this(kind, message, List.of(), null);
    }

    public ProviderException(Kind kind, String message, Throwable cause) {
        this(kind, message, List.of(), cause);
    }

    public ProviderException(Kind kind, String message, List<RRsetKey> conflicts, Throwable cause) {
        this(kind, message, conflicts, cause, null);
    }

    /**
     * A failure that may pass, with the provider's word on how long to wait before trying again (HTTP
     * Retry-After, or an adapter's own estimate): for {@link Kind#RATE_LIMITED} and other transient kinds.
     */
    public ProviderException(Kind kind, String message, java.time.Duration retryAfter) {
        this(kind, message, List.of(), null, retryAfter);
    }

    private ProviderException(Kind kind, String message, List<RRsetKey> conflicts, Throwable cause,
            java.time.Duration retryAfter) {
        super(message, cause);
        this.kind = kind;
        this.conflicts = List.copyOf(conflicts);
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The RRsets whose live data did not match the before-image (for CONFLICT). */
    public List<RRsetKey> conflicts() {
        return conflicts;
    }

    /** How long the provider asked to wait before the same request is tried again, when it said. */
    public java.util.Optional<java.time.Duration> retryAfter() {
        return java.util.Optional.ofNullable(retryAfter);
    }
}
