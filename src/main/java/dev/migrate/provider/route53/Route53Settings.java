package dev.migrate.provider.route53;

import dev.migrate.dns.Names;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.SettingChecks;
import dev.migrate.provider.SettingProblem;
import dev.migrate.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * The {@code provider:} block of {@code type: route53}, checked value by value. Every problem is collected
 * with the key it belongs to, so the plan loader can report each at its line and column.
 *
 * @param hostedZones     zone (canonical) to hosted zone id, for the zones given by id; others are found by name
 * @param profile         the profile in the shared credentials file, when credentials come from one
 * @param credentialsFile the shared credentials file as written (relative to the plan, {@code ~} for home)
 * @param endpoint        the API's base URL
 * @param region          the region requests are signed for
 * @param timeout         per HTTP request
 * @param syncTimeout     how long a change may stay PENDING before the write is reported as not confirmed
 */
record Route53Settings(Map<String, String> hostedZones, Optional<String> profile, Optional<String> credentialsFile,
        HttpUrl endpoint, String region, Duration timeout, Duration syncTimeout) {

    static final Set<String> KEYS = Set.of("hostedZones", "profile", "credentialsFile", "endpoint", "region",
            "timeout", "syncTimeout");
    static final String DEFAULT_ENDPOINT = "https://route53.amazonaws.com";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofMinutes(10);
    /** Route 53 hosted zone ids: upper-case letters and digits (e.g. Z1D633PJN98FT9), at most 32. */
    private static final Pattern ZONE_ID = Pattern.compile("[A-Z0-9]{1,32}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9_.@+=,-]{1,128}");

    Route53Settings {
        hostedZones = Map.copyOf(hostedZones);
    }

    /** The problems of a provider block; empty when {@link #parse} will succeed. */
    static List<SettingProblem> check(Map<String, Object> s) {
        List<SettingProblem> problems = new ArrayList<>();
        read(s, problems);
        return problems;
    }

    /** The settings, or INVALID naming the first problem (for callers that did not load a plan). */
    static Route53Settings parse(Map<String, Object> s) throws ProviderException {
        List<SettingProblem> problems = new ArrayList<>();
        Route53Settings r = read(s, problems);
        SettingChecks.requireNone("route53", problems);
        return r;
    }

    private static Route53Settings read(Map<String, Object> s, List<SettingProblem> problems) {
        Map<String, String> zones = new LinkedHashMap<>();
        Object hz = s.get("hostedZones");
        if (hz != null && !(hz instanceof Map)) {
            problems.add(SettingProblem.at("hostedZones", "expected a mapping of zone to hosted zone id, e.g."
                    + " hostedZones: { example.com: Z1D633PJN98FT9 }"));
        } else if (hz != null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) hz).entrySet()) {
                String zone = String.valueOf(e.getKey()).trim();
                List<String> path = List.of("hostedZones", String.valueOf(e.getKey()));
                String bad = zone.isEmpty() ? "empty name" : Names.syntaxError(zone);
                if (bad != null) {
                    problems.add(new SettingProblem(path, "'" + zone + "' is not a zone name: " + bad));
                    continue;
                }
                String id = e.getValue() == null ? "" : String.valueOf(e.getValue()).trim();
                if (id.startsWith("/hostedzone/")) id = id.substring("/hostedzone/".length());
                if (!ZONE_ID.matcher(id).matches()) {
                    problems.add(new SettingProblem(path, "'" + e.getValue() + "' is not a hosted zone id: expected"
                            + " upper-case letters and digits such as Z1D633PJN98FT9 (or /hostedzone/Z1D633PJN98FT9)"));
                    continue;
                }
                zones.put(Names.canonical(zone), id);
            }
        }
        Optional<String> profile = text(s, "profile");
        if (profile.isPresent() && !PROFILE.matcher(profile.get()).matches()) {
            problems.add(SettingProblem.at("profile", "'" + profile.get() + "' is not a profile name (letters,"
                    + " digits and _.@+=,- only)"));
        }
        Optional<String> file = text(s, "credentialsFile");
        if (file.isPresent() && file.get().isBlank()) {
            problems.add(SettingProblem.at("credentialsFile", "is empty: name the shared credentials file, e.g."
                    + " ~/.aws/credentials"));
        }
        int before = problems.size();
        SettingChecks.url("route53", s, "endpoint", problems);
        HttpUrl endpoint = problems.size() > before ? null : HttpUrl.get(text(s, "endpoint").orElse(DEFAULT_ENDPOINT));
        String region = text(s, "region").orElse(null);
        if (region != null && !REGION.matcher(region).matches()) {
            problems.add(SettingProblem.at("region", "'" + region + "' is not an AWS region such as us-east-1"));
        }
        if (region == null && endpoint != null) region = defaultRegion(endpoint);
        SettingChecks.positiveDuration(s, "timeout", problems);
        SettingChecks.positiveDuration(s, "syncTimeout", problems);
        if (!problems.isEmpty()) return null;
        return new Route53Settings(zones, profile, file, endpoint, region, duration(s, "timeout", DEFAULT_TIMEOUT),
                duration(s, "syncTimeout", DEFAULT_SYNC_TIMEOUT));
    }

    /**
     * Route 53 is a global service signed for us-east-1, except in the China (cn-northwest-1) and GovCloud
     * (us-gov-west-1) partitions, whose endpoints say which they are.
     */
    static String defaultRegion(HttpUrl endpoint) {
        String host = endpoint.host();
        if (host.endsWith(".amazonaws.com.cn")) return "cn-northwest-1";
        if (host.contains("us-gov")) return "us-gov-west-1";
        return "us-east-1";
    }

    private static Optional<String> text(Map<String, Object> s, String key) {
        Object v = s.get(key);
        return v == null ? Optional.empty() : Optional.of(v.toString().trim());
    }

    /** A duration {@link SettingChecks#positiveDuration} has passed. */
    private static Duration duration(Map<String, Object> s, String key, Duration dflt) {
        return text(s, key).map(Durations::parse).orElse(dflt);
    }
}
