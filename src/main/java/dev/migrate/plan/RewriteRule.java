package dev.migrate.plan;

/**
 * Every A (or AAAA) record in the plan's zones whose address is {@code from} moves to {@code to}; with
 * {@code spf}, so do the {@code ip4:}/{@code ip6:} mechanisms naming it in SPF TXT records (RFC 7208 §5.6).
 */
public record RewriteRule(String type, String from, String to, boolean spf, Location at) {}
