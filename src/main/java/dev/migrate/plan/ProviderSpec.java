package dev.migrate.plan;

import java.util.Map;

/** The {@code provider:} block: its {@code type} and the adapter's own keys as plain data. */
public record ProviderSpec(String type, Map<String, Object> settings, Location at) {}
