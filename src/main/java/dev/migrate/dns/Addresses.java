package dev.migrate.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/**
 * IP addresses in the text form operators and {@code dig} use. Java and dnsjava print IPv6 uncompressed
 * ({@code 2001:db8:0:0:0:0:0:10}); RFC 5952 §4 gives the one recommended form ({@code 2001:db8::10}):
 * lower case, no leading zeros, the longest run of two or more zero groups shortened to {@code ::} (the
 * first such run on a tie), and IPv4-mapped addresses in mixed notation ({@code ::ffff:192.0.2.1}, §5).
 */
public final class Addresses {
    private Addresses() {}

    /** The address, or null when {@code text} is not an IPv4 or IPv6 literal (never looked up). */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+")) return null;
        try {
            return Address.getByAddress(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The address as text: dotted quad for IPv4, RFC 5952 for IPv6. */
    public static String text(InetAddress a) {
        return a instanceof Inet6Address ? ipv6(a.getAddress()) : a.getHostAddress();
    }

    /**
     * The RFC 5952 form of an IPv6 literal in any valid spelling, or {@code text} unchanged when it is no
     * IPv6 literal (callers validate elsewhere; this only canonicalises).
     */
    public static String canonicalIpv6(String text) {
        byte[] b = Address.toByteArray(text.trim(), Address.IPv6);
        return b == null ? text : ipv6(b);
    }

    /** RFC 5952 text of 16 address bytes. */
    public static String ipv6(byte[] a) {
        if (a.length != 16) throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + a.length);
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (a[2 * i] & 0xff) << 8 | a[2 * i + 1] & 0xff;
        boolean mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
        if (mapped) {
            return "::ffff:" + (a[12] & 0xff) + "." + (a[13] & 0xff) + "." + (a[14] & 0xff) + "." + (a[15] & 0xff);
        }
        // §4.2.2: one zero group alone is not shortened; §4.2.3: the longest run, the first on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i])); // §4.1 no leading zeros, §4.3 lower case
        }
        return s.toString();
    }
}
