package dev.migrate.provider;

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

    DnsProvider create(ProviderConfig config) throws ProviderException;
}
