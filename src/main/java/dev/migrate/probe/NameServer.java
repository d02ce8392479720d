package dev.migrate.probe;

import dev.migrate.dns.Addresses;
import java.net.InetSocketAddress;

/**
 * One authoritative address to poll for one zone.
 *
 * @param name the NS host name it belongs to, or the address itself when the plan lists addresses
 */
public record NameServer(String zone, String name, InetSocketAddress address) {

    /** {@code 127.0.0.1:5301}, {@code [::1]:53}: the literal address, never a looked-up name. */
    public String addressText() {
        String host = Addresses.text(address.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** {@code ns2.example.com. 192.0.2.2:53}, or just the address when the name is the address. */
    public String label() {
        String a = addressText();
        return name.equals(a) ? a : name + " " + a;
    }
}
