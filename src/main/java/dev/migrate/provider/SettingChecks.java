package dev.migrate.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects {@link SettingError}s for {@link ProviderFactory#validate}: each check is the same code
 * {@code create} runs, and a failure is recorded against its key instead of ending the load at the first.
 */
public final class SettingChecks {
    private final List<SettingError> errors = new ArrayList<>();
    /** Keys already found wrong in shape: their values are not parsed again (one error a key). */
    private final java.util.Set<String> misshapen = new java.util.HashSet<>();

    /** A piece of an adapter's setting parsing; fails with the adapter's own message. */
    @FunctionalInterface
    public interface Check {
        void run() throws ProviderException;
    }

    /** Runs {@code check}; a ProviderException or IllegalArgumentException becomes an error on {@code key}. */
    public SettingChecks check(String key, Check check) {
        if (misshapen.contains(key)) return this;
        try {
            check.run();
        } catch (ProviderException | IllegalArgumentException e) {
            errors.add(new SettingError(key, e.getMessage()));
        }
        return this;
    }

    /** Keys that take one value (a number, a word, a path) but were given a block or a list. */
    public SettingChecks scalars(String provider, Map<String, Object> block, String prefix, String... keys) {
        for (String k : keys) {
            Object v = block.get(k);
            if (v instanceof Map || v instanceof List) {
                misshapen.add(prefix + k);
                errors.add(new SettingError(prefix + k, "provider " + provider + ": '" + k + "' takes one value, found a "
                        + (v instanceof Map ? "block of keys" : "list")));
            }
        }
        return this;
    }

    public List<SettingError> errors() {
        return List.copyOf(errors);
    }
}
