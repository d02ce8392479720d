package dev.migrate.provider;

import java.util.List;
import java.util.Set;

/**
 * Makes adapters of one {@code type}. Found through {@link java.util.ServiceLoader}: an adapter jar lists
 * its factory in {@code META-INF/services/dev.migrate.provider.ProviderFactory}.
 */
public interface ProviderFactory {

    /** The {@code provider.type} value that selects this adapter. */
    String type();

    /** One line on what it talks to. */
    String description();

    /** Capabilities, before any configuration is known (the adapter may narrow them once configured). */
    Capabilities capabilities();

    /** Keys the adapter accepts in its {@code provider:} block besides {@code type}; others are plan errors. */
    Set<String> keys();

    /**
     * Checks the values of this adapter's settings while the plan loads, before any provider is contacted,
     * so that a bad value is a plan error at its file:line:column (exit 2) rather than a failure later.
     * Looks at values only: reads no secret and no file, contacts nothing. {@link #create} may still
     * refuse what only the environment can tell (a variable not set, a file not readable).
     *
     * @param settings the block as plain data ({@code Map}, {@code List}, {@code String}), without {@code type}
     */
    default List<SettingProblem> check(java.util.Map<String, Object> settings) {
        return List.of();
    }

    DnsProvider create(ProviderConfig config) throws ProviderException;
}
