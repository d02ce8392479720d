package dev.migrate.provider;

/**
 * One thing wrong in a plan's {@code provider:} block, found when the plan loads.
 *
 * @param key     the key it is about, as a path inside the block: {@code batchSize}, {@code tsig.secretFile};
 *                empty for the block as a whole (the plan loader points at the key's file:line:column, or
 *                at the nearest enclosing key that is written)
 * @param message what is wrong and what is expected, in the operator's words (never a secret's value)
 */
public record SettingError(String key, String message) {
    public SettingError {
        key = key == null ? "" : key;
    }
}
