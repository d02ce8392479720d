package dev.migrate.probe;

/** A probe cannot even start: e.g. no authoritative address could be found for a zone. The message says what to do. */
public final class ProbeException extends Exception {
    public ProbeException(String message) {
        super(message);
    }
}
