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
     * Checks the {@code provider:} block when the plan loads, so that a bad setting is a plan error at its
     * key's file:line:column (exit 2) instead of a failure once a command runs. Runs the same parsing as
     * {@link #create}, but reports every problem, each on the key it is about, rather than the first.
     *
     * <p>Must not contact the provider. May read local files the settings name (a secret file, to say now
     * that it is missing, a directory, or not readable); a secret read here goes through
     * {@link ProviderConfig#secret} like any other, so it is registered with the redactor. Environment
     * variables are not known when a plan loads ({@link ProviderConfig#environment()} answers null for
     * every name): an adapter checks only that the block names one. {@link #create} keeps its own checks as
     * a second line.
     *
     * @return what is wrong, in the order found; empty when nothing is (the default: nothing to check)
     */
    default List<SettingError> validate(ProviderConfig config) {
        return List.of();
    }

    DnsProvider create(ProviderConfig config) throws ProviderException;
}
