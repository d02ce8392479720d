package dev.migrate.provider.manual;

import dev.migrate.dns.Addresses;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code provider:} block of {@code type: manual}, checked.
 *
 * @param nameservers  the zone's authoritative addresses to read and watch: the block's own
 *                     {@code nameservers}, else the plan's; empty: looked up through the plan's resolvers
 * @param resolvers    the plan's resolvers, for that lookup
 * @param timeout      how long a change may take, from the instructions to every address serving it
 * @param interval     how often the addresses are asked while waiting
 * @param queryTimeout bound on each query and on a zone transfer
 */
record ManualSettings(List<InetSocketAddress> nameservers, List<InetSocketAddress> resolvers, Duration timeout,
        Duration interval, Duration queryTimeout) {
    static final Set<String> KEYS = Set.of("nameservers", "timeout", "interval", "queryTimeout");
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);
    static final int DNS_PORT = 53;

    static ManualSettings from(ProviderConfig config) throws ProviderException {
        List<String> listed = new ArrayList<>();
        for (Object o : config.list("nameservers")) listed.add(String.valueOf(o));
        if (config.settings().containsKey("nameservers") && listed.isEmpty()) {
            throw new ProviderException(Kind.INVALID, "provider manual: 'nameservers' must be a list of addresses,"
                    + " e.g. [192.0.2.53, \"127.0.0.1:5301\"]");
        }
        if (listed.isEmpty()) listed.addAll(config.nameservers());
        List<InetSocketAddress> ns = new ArrayList<>();
        for (String s : listed) ns.add(address(s, "nameservers"));
        List<InetSocketAddress> rs = new ArrayList<>();
        for (String s : config.resolvers()) rs.add(address(s, "resolvers"));
        Duration timeout = bounded(config, "timeout", DEFAULT_TIMEOUT, Duration.ofSeconds(1), Duration.ofDays(7));
        Duration interval = bounded(config, "interval", DEFAULT_INTERVAL, Duration.ofMillis(100), Duration.ofMinutes(10));
        Duration query = bounded(config, "queryTimeout", DEFAULT_QUERY_TIMEOUT, Duration.ofMillis(100), Duration.ofSeconds(30));
        return new ManualSettings(List.copyOf(ns), List.copyOf(rs), timeout, interval, query);
    }

    private static Duration bounded(ProviderConfig config, String key, Duration dflt, Duration min, Duration max)
            throws ProviderException {
        Duration d = config.duration(key).orElse(dflt);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ProviderException(Kind.INVALID, "provider manual: '" + key + "' must be between " + min.toMillis()
                    + " ms and " + max.toSeconds() + " s");
        }
        return d;
    }

    /** {@code 192.0.2.53}, {@code 127.0.0.1:5301}, {@code [::1]:5301}, {@code 2001:db8::53}: never a name. */
    static InetSocketAddress address(String text, String where) throws ProviderException {
        String t = text.trim();
        String host = t;
        int port = DNS_PORT;
        try {
            if (t.startsWith("[") && t.contains("]")) {
                host = t.substring(1, t.indexOf(']'));
                String rest = t.substring(t.indexOf(']') + 1);
                if (!rest.isEmpty()) port = Integer.parseInt(rest.substring(rest.indexOf(':') + 1));
            } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':')) {
                host = t.substring(0, t.indexOf(':'));
                port = Integer.parseInt(t.substring(t.indexOf(':') + 1));
            }
        } catch (NumberFormatException e) {
            port = -1;
        }
        InetAddress a = Addresses.parse(host);
        if (a == null || port < 1 || port > 65535) {
            throw new ProviderException(Kind.INVALID, "provider manual: '" + text + "' in " + where + " is not an IP"
                    + " address with an optional port (names are never looked up through the system resolver)");
        }
        return new InetSocketAddress(a, port);
    }

    static String show(InetSocketAddress a) {
        String h = Addresses.text(a.getAddress());
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
