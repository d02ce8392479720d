package dev.migrate.provider.route53;

import dev.migrate.dns.Names;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.Name;

/**
 * Names and TXT data as Route 53 writes them. Route 53 keeps a-z, 0-9, '-' and '_' in names as they are and
 * writes every other byte as a backslash and three <em>octal</em> digits ({@code \052} is '*'); it reads
 * names written so, and a leading {@code *} label as a wildcard ("DNS domain name format", Route 53
 * Developer Guide). TXT data uses the same octal escapes for bytes outside printable ASCII, where zone
 * files and dnsjava use three <em>decimal</em> digits (RFC 1035 §5.1): {@code \303} there is {@code \195}
 * here.
 */
final class Route53Names {
    private Route53Names() {}

    /** A name as Route 53 returns it, in this tool's canonical form (lower case, absolute, dnsjava escapes). */
    static String decode(String route53) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream label = new ByteArrayOutputStream();
        byte[] text = route53.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length; i++) {
            int c = text[i] & 0xff;
            if (c == '\\' && isOctal(text, i + 1)) {
                label.write(octal(text, i + 1));
                i += 3;
            } else if (c == '\\' && i + 1 < text.length) {
                label.write(text[++i]);
            } else if (c == '.') {
                out.append(presentation(label.toByteArray())).append('.');
                label.reset();
            } else {
                label.write(c);
            }
        }
        if (label.size() > 0) out.append(presentation(label.toByteArray())).append('.');
        String name = out.length() == 0 ? "." : out.toString();
        return Names.canonical(Names.toName(name).toString());
    }

    /** A canonical name as Route 53 wants it written (a request's {@code Name}, a {@code name=} parameter). */
    static String encode(String canonical) {
        Name n = Names.toName(canonical);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n.labels() - 1; i++) {
            byte[] label = n.getLabel(i); // with its length byte first
            boolean wildcard = i == 0 && label.length == 2 && label[1] == '*';
            for (int j = 1; j < label.length; j++) {
                int c = Character.toLowerCase(label[j] & 0xff);
                if (wildcard || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                    out.append((char) c);
                } else {
                    out.append(String.format("\\%03o", c));
                }
            }
            out.append('.');
        }
        return out.length() == 0 ? "." : out.toString();
    }

    /** TXT (or SPF) data from Route 53: its octal escapes become the decimal ones dnsjava reads. */
    static String txtFromRoute53(String value) {
        return convertEscapes(value, true);
    }

    /** TXT data in dnsjava's form, its decimal escapes made the octal ones Route 53 reads. */
    static String txtToRoute53(String presentation) {
        return convertEscapes(presentation, false);
    }

    private static String convertEscapes(String s, boolean fromOctal) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            if (threeDigits(s, i + 1, fromOctal ? 8 : 10)) {
                int v = Integer.parseInt(s.substring(i + 1, i + 4), fromOctal ? 8 : 10);
                b.append(String.format(fromOctal ? "\\%03d" : "\\%03o", v));
                i += 3;
            } else {
                b.append(c).append(s.charAt(++i)); // \" or \\ : the same in both
            }
        }
        return b.toString();
    }

    private static boolean threeDigits(String s, int from, int radix) {
        if (from + 3 > s.length()) return false;
        for (int k = from; k < from + 3; k++) {
            if (Character.digit(s.charAt(k), radix) < 0) return false;
        }
        return Integer.parseInt(s.substring(from, from + 3), radix) <= 255;
    }

    private static boolean isOctal(byte[] t, int from) {
        if (from + 3 > t.length) return false;
        for (int k = from; k < from + 3; k++) {
            if (t[k] < '0' || t[k] > '7') return false;
        }
        return octal(t, from) <= 255;
    }

    private static int octal(byte[] t, int from) {
        return (t[from] - '0') * 64 + (t[from + 1] - '0') * 8 + (t[from + 2] - '0');
    }

    /** One label's bytes as dnsjava reads them: letters, digits, '-', '_' and '*' as they are, others \DDD. */
    private static String presentation(byte[] label) {
        StringBuilder b = new StringBuilder();
        for (byte x : label) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*') {
                b.append((char) c);
            } else {
                b.append(String.format("\\%03d", c));
            }
        }
        return b.toString();
    }
}
