package dev.migrate.provider;

import java.util.List;
import java.util.Objects;

/**
 * One bad value in a plan's {@code provider:} block, found by {@link ProviderFactory#check} when the plan
 * loads: the plan loader reports it at the value's file:line:column.
 *
 * @param path    the key, and below it the keys of nested blocks (e.g. {@code [hostedZones, example.com]});
 *                empty for the block as a whole
 * @param message what was found and what was expected, without any secret
 */
public record SettingProblem(List<String> path, String message) {
    public SettingProblem {
        path = List.copyOf(path);
        Objects.requireNonNull(message, "message");
    }

    public static SettingProblem at(String key, String message) {
        return new SettingProblem(List.of(key), message);
    }
}
