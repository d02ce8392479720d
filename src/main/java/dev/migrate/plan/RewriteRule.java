package dev.migrate.plan;

/** Every A (or AAAA) record in the plan's zones whose address is {@code from} moves to {@code to}. */
public record RewriteRule(String type, String from, String to, Location at) {}
