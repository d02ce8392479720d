package dev.migrate.secret;

/**
 * A credential (TSIG secret, API token). Its text is only reachable through {@link #reveal()}, every
 * value is registered with the {@link Redactor} the moment it is read, and {@code toString()} never
 * shows it, so a secret that slips into a message or log line prints as {@code ***}.
 */
public final class Secret {
    private final String value;
    private final String origin;

    private Secret(String value, String origin) {
        this.value = value;
        this.origin = origin;
        Redactor.global().register(value);
    }

    public static Secret of(String value, String origin) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(origin + " is empty");
        }
        return new Secret(value.strip(), origin);
    }

    public String reveal() {
        return value;
    }

    /** Where the secret came from (an environment variable's or a file's name), safe to print. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "***";
    }
}
