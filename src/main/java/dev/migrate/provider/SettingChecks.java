package dev.migrate.provider;

import dev.migrate.provider.http.HttpProviders;
import dev.migrate.support.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Checks of the values adapters' settings share, for {@link ProviderFactory#check}: each adds a
 * {@link SettingProblem} for its key when the value is wrong and says nothing when it is absent (unless
 * required). Values only: no secret is read, no file opened, nothing contacted.
 */
public final class SettingChecks {
    private SettingChecks() {}

    /** Fails with INVALID naming the first problem, for {@code create} called without a plan loader. */
    public static void requireNone(String type, List<SettingProblem> problems) throws ProviderException {
        if (problems.isEmpty()) return;
        SettingProblem p = problems.get(0);
        throw new ProviderException(ProviderException.Kind.INVALID, "provider " + type
                + (p.path().isEmpty() ? "" : ": '" + String.join(".", p.path()) + "'") + " " + p.message());
    }

    public static void required(Map<String, Object> s, String key, String what, List<SettingProblem> out) {
        if (s.get(key) == null || s.get(key).toString().isBlank()) {
            out.add(new SettingProblem(List.of(), "needs '" + key + "': " + what));
        }
    }

    /** A duration longer than zero, written as operators write them (90s, 5m, 1h30m). */
    public static void positiveDuration(Map<String, Object> s, String key, List<SettingProblem> out) {
        Object v = s.get(key);
        if (v == null) return;
        try {
            Duration d = Durations.parse(v.toString());
            if (d.isZero()) out.add(SettingProblem.at(key, "must be longer than 0s"));
        } catch (IllegalArgumentException e) {
            out.add(SettingProblem.at(key, e.getMessage()));
        }
    }

    /** A whole number in min..max; {@code expected} says what it means, e.g. {@code 1..3500 (records per batch)}. */
    public static void wholeNumber(Map<String, Object> s, String key, long min, long max, String expected,
            List<SettingProblem> out) {
        Object v = s.get(key);
        if (v == null) return;
        String t = v.toString().trim();
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) out.add(SettingProblem.at(key, "is '" + t + "', expected " + expected));
    }

    /** true/false (yes/no, on/off): a typo must not silently mean false. */
    public static void bool(String type, Map<String, Object> s, String key, List<SettingProblem> out) {
        Object v = s.get(key);
        if (v == null) return;
        try {
            HttpProviders.bool(type, key, v.toString());
        } catch (ProviderException e) {
            out.add(SettingProblem.at(key, "is '" + v + "', expected true or false"));
        }
    }

    /** An http(s) URL; plain http only to a loopback address (see {@link HttpProviders#baseUrl}). */
    public static void url(String type, Map<String, Object> s, String key, List<SettingProblem> out) {
        Object v = s.get(key);
        if (v == null) return;
        try {
            HttpProviders.baseUrl(type, key, v.toString());
        } catch (ProviderException e) {
            out.add(SettingProblem.at(key, e.getMessage().replaceFirst("^provider " + type + ": '" + key + "' ", "")));
        }
    }

    /** A secret named by exactly one of {@code <base>Env} and {@code <base>File} (see {@link ProviderConfig#secret}). */
    public static void secretSource(Map<String, Object> s, String base, List<SettingProblem> out) {
        boolean env = s.get(base + "Env") != null;
        boolean file = s.get(base + "File") != null;
        if (env && file) out.add(SettingProblem.at(base + "File", "give either " + base + "Env or " + base + "File, not both"));
        if (!env && !file) {
            out.add(new SettingProblem(List.of(), "needs " + base + "Env (an environment variable) or " + base
                    + "File (a file) holding the secret"));
        }
    }
}
