package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/**
 * The {@code server:} value: an IP literal with an optional port ({@code 192.0.2.1}, {@code 192.0.2.1:5301},
 * {@code ::1}, {@code [2001:db8::1]:5301}). Host names are refused rather than looked up: the system
 * resolver may itself depend on the zone being migrated, and DOMAIN.md's rule is never to resolve a
 * server through it.
 */
final class ServerAddress {
    static final int DNS_PORT = 53;

    private ServerAddress() {}

    /** Parses the value; IllegalArgumentException says what is wrong in the operator's words. */
    static InetSocketAddress parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("'server' is empty");
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("'" + t + "': missing ']' after the IPv6 address");
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) throw new IllegalArgumentException("'" + t + "': expected ':port' after ']'");
                port = rest.substring(1);
            }
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            host = t; // several colons and no brackets: a bare IPv6 address, no port
        } else if (t.contains(":")) {
            host = t.substring(0, t.indexOf(':'));
            port = t.substring(t.indexOf(':') + 1);
        } else {
            host = t;
        }
        byte[] bytes = Address.toByteArray(host, Address.IPv4);
        if (bytes == null) bytes = Address.toByteArray(host, Address.IPv6);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address; give the primary's address"
                    + " (e.g. 192.0.2.53:53): host names are not looked up through system DNS");
        }
        int p = DNS_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) throw new IllegalArgumentException("'" + port + "' is not a port (1..65535)");
        }
        try {
            // getByAddress never consults DNS.
            return new InetSocketAddress(InetAddress.getByAddress(bytes), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
        }
    }

    /** host:port as an operator writes it, IPv6 in brackets. */
    static String show(InetSocketAddress a) {
        String h = Addresses.text(a.getAddress());
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
