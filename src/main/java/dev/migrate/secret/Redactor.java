package dev.migrate.secret;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows every secret value this process has loaded and blanks them out of any text on its way to the
 * terminal, a log or the journal. One per process: secrets are loaded once, anywhere, and must be
 * hidden everywhere.
 */
public final class Redactor {
    private static final Redactor GLOBAL = new Redactor();
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    public static Redactor global() {
        return GLOBAL;
    }

    public void register(String secret) {
        // Very short values would blank out ordinary words; real keys and tokens are long.
        if (secret != null && secret.length() >= 6) {
            secrets.add(secret);
            // As JSON strings and zone-file (RFC 1035 §5.1) text both write it: " as \" and \ as \\.
            // A password holding either would otherwise pass through the journal or a TXT record unseen.
            secrets.add(secret.replace("\\", "\\\\").replace("\"", "\\\""));
        }
    }

    public boolean containsSecret(String text) {
        if (text == null) return false;
        for (String s : secrets) {
            if (text.contains(s)) return true;
        }
        return false;
    }

    /**
     * Like {@link #redact}, for a text cut out of a longer one: a secret the cut split leaves a piece at the
     * cut edge, which {@link #redact} cannot recognise. Such a piece (3 characters or more of the secret's
     * start at the end, or of its end at the start) is blanked out too.
     */
    public String redactCut(String text, boolean cutAtStart, boolean cutAtEnd) {
        String out = redact(text);
        if (out == null) return null;
        for (String s : secrets) {
            if (cutAtEnd) {
                for (int k = Math.min(s.length() - 1, out.length()); k >= 3; k--) {
                    if (out.endsWith(s.substring(0, k))) {
                        out = out.substring(0, out.length() - k) + "***";
                        break;
                    }
                }
            }
            if (cutAtStart) {
                for (int k = Math.min(s.length() - 1, out.length()); k >= 3; k--) {
                    if (out.startsWith(s.substring(s.length() - k))) {
                        out = "***" + out.substring(k);
                        break;
                    }
                }
            }
        }
        return out;
    }

    public String redact(String text) {
        if (text == null) return null;
        String out = text;
        // Longest first, so an escaped form is blanked whole rather than in part.
        for (String s : secrets.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList()) {
            if (out.contains(s)) out = out.replace(s, "***");
        }
        return out;
    }
}
