package dev.migrate.plan;

/** An address with a port as plans write it: {@code 192.0.2.1}, {@code 127.0.0.1:5301}, {@code [::1]:5301}. */
public record HostPort(String host, int port) {

    /** Parses; returns null when malformed. A missing port takes {@code defaultPort}. */
    public static HostPort parse(String text, int defaultPort) {
        String t = text.trim();
        try {
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) return null;
                String host = t.substring(1, close);
                String rest = t.substring(close + 1);
                if (rest.isEmpty()) return new HostPort(host, defaultPort);
                if (!rest.startsWith(":")) return null;
                return new HostPort(host, port(rest.substring(1)));
            }
            int colons = t.length() - t.replace(":", "").length();
            if (colons == 1) {
                int i = t.indexOf(':');
                return new HostPort(t.substring(0, i), port(t.substring(i + 1)));
            }
            return t.isEmpty() ? null : new HostPort(t, defaultPort); // bare IPv4, name, or bare IPv6
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int port(String s) {
        int p = Integer.parseInt(s);
        if (p < 1 || p > 65535) throw new NumberFormatException("port out of range");
        return p;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
