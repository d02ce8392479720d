package dev.migrate.plan;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.Rdata;
import dev.migrate.plan.YamlTree.Entry;
import dev.migrate.plan.YamlTree.ListNode;
import dev.migrate.plan.YamlTree.MapNode;
import dev.migrate.plan.YamlTree.Node;
import dev.migrate.plan.YamlTree.Scalar;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a plan file and checks everything that can be checked without talking to a provider. Every error
 * carries its file:line:column, says what was found and what was expected, and suggests the nearest known
 * key for a typo. All errors are collected, not just the first.
 */
public final class PlanLoader {
    static final Set<String> TOP_KEYS = Set.of("name", "cutover", "provider", "zones", "ttl", "changes",
            "rewrite", "phases", "checks", "nameservers", "resolvers", "propagation", "move");
    static final Set<String> TTL_KEYS = Set.of("lowered", "restore", "margin");
    static final Set<String> CHANGE_KEYS = Set.of("zone", "name", "type", "from", "to");
    static final Set<String> REWRITE_KEYS = Set.of("from", "to");
    static final Set<String> PHASE_KEYS = Set.of("id", "at", "action", "timeout", "approval", "onFailure",
            "checks", "preflight", "unreachable");
    static final Set<String> HTTP_KEYS = Set.of("id", "http", "connectTo", "expectStatus", "expectBody", "caFile",
            "minCertDays", "followRedirects", "timeout");
    static final Set<String> TCP_KEYS = Set.of("id", "tcp", "expectBanner", "expect", "timeout");
    static final Set<String> MOVE_KEYS = Set.of("to", "nameservers", "servers", "parent", "dnssec");
    static final Set<String> PROPAGATION_KEYS = Set.of("unreachable", "interval", "queryTimeout", "tries", "rounds", "via");
    private static final Pattern PLAN_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern PHASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    /** Which provider types exist and the keys each accepts; unknown keys in {@code provider:} are errors. */
    private final Function<String, Set<String>> providerKeys;
    private final Set<String> providerTypes;

    public PlanLoader(Map<String, Set<String>> providerKeysByType) {
        Map<String, Set<String>> copy = Map.copyOf(providerKeysByType);
        this.providerKeys = copy::get;
        this.providerTypes = copy.keySet();
    }

    public Plan load(Path file) throws PlanException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PlanException(new PlanError(new Location(file, 1, 1), "no such plan file"));
        } catch (IOException e) {
            throw new PlanException(new PlanError(new Location(file, 1, 1), "cannot read the plan file: " + e.getMessage()));
        }
        return load(new StringReader(text), file);
    }

    public Plan load(Reader in, Path file) throws PlanException {
        Node root = YamlTree.parse(in, file);
        return new Reading(file).plan(root);
    }

    /** One load: collects errors as it goes. */
    private final class Reading {
        final Path file;
        final List<PlanError> errors = new ArrayList<>();

        Reading(Path file) {
            this.file = file;
        }

        void error(Location at, String msg) {
            errors.add(new PlanError(at, msg));
        }

        Plan plan(Node root) throws PlanException {
            if (!(root instanceof MapNode top)) {
                throw new PlanException(new PlanError(root.at(), "found " + describe(root)
                        + ", expected a mapping with name, cutover, provider, zones, ... at the top of the plan"));
            }
            unknownKeys(top, TOP_KEYS, "the plan");

            String name = requiredString(top, "name", "a plan name such as web-to-new-dc");
            if (name != null && !PLAN_NAME.matcher(name).matches()) {
                error(top.get("name").at(), "found '" + name + "', expected a name of lower-case letters, digits and"
                        + " dashes starting with a letter or digit ([a-z0-9][a-z0-9-]*)");
            }
            Instant cutover = instant(top);
            ProviderSpec provider = provider(top);
            List<String> zones = zones(top);
            TtlPolicy ttl = ttl(top);
            List<ChangeSpec> changes = changes(top, zones);
            List<RewriteRule> rewrites = rewrites(top);
            List<CheckSpec> checks = checks(top);
            List<PhaseSpec> phases = phases(top, checks);
            Propagation propagation = propagation(top);
            MoveSpec move = move(top, propagation);
            moveActions(top, move, phases, propagation);

            if (!errors.isEmpty()) throw new PlanException(errors);
            return new Plan(file, name, cutover, provider, zones, ttl, changes, rewrites, phases, checks, propagation, move);
        }

        // ---- top-level blocks ----

        Instant instant(MapNode top) {
            Node n = top.get("cutover");
            if (n == null) {
                error(top.at(), "missing 'cutover': expected the cutover instant T, ISO-8601 with an offset,"
                        + " e.g. cutover: 2026-12-01T02:00:00Z");
                return null;
            }
            String s = scalar(n, "an ISO-8601 instant with an offset, e.g. 2026-12-01T02:00:00Z");
            if (s == null) return null;
            try {
                return OffsetDateTime.parse(s.trim()).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    LocalDateTime.parse(s.trim());
                    error(n.at(), "found '" + s + "' without an offset; expected an instant with one, e.g. "
                            + s.trim() + "Z (UTC) or " + s.trim() + "+01:00");
                } catch (DateTimeParseException e2) {
                    error(n.at(), "found '" + s + "', expected an ISO-8601 instant with an offset, e.g. 2026-12-01T02:00:00Z");
                }
                return null;
            }
        }

        ProviderSpec provider(MapNode top) {
            Node n = top.get("provider");
            if (n == null) {
                error(top.at(), "missing 'provider': expected a block with 'type' (one of " + providerTypes + ")");
                return null;
            }
            return providerBlock(n, "provider");
        }

        /** A provider block ({@code provider:} or {@code move.to:}): a known {@code type} and only that adapter's keys. */
        ProviderSpec providerBlock(Node n, String where) {
            if (!(n instanceof MapNode m)) {
                error(n.at(), "found " + describe(n) + ", expected a provider block with 'type'");
                return null;
            }
            String type = requiredString(m, "type", "a provider type (one of " + sorted(providerTypes) + ")");
            if (type == null) return null;
            Set<String> keys = providerKeys.apply(type);
            if (keys == null) {
                error(m.get("type").at(), "unknown provider type '" + type + "', expected one of "
                        + sorted(providerTypes) + Suggest.didYouMean(type, providerTypes));
                return null;
            }
            Set<String> allowed = new HashSet<>(keys);
            allowed.add("type");
            unknownKeys(m, allowed, where + " " + type);
            for (Entry e : m.entries().values()) {
                // A literal secret in a plan would end up in backups and version control.
                String k = e.key().toLowerCase();
                if ((k.equals("secret") || k.equals("apikey") || k.equals("apitoken") || k.equals("token")
                        || k.equals("password")) && !allowed.contains(e.key())) {
                    error(e.keyAt(), "secrets are never written in a plan: use " + e.key() + "Env (an environment"
                            + " variable) or " + e.key() + "File (a file)");
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = (Map<String, Object>) m.plain();
            settings.remove("type");
            return new ProviderSpec(type, settings, m.at());
        }

        List<String> zones(MapNode top) {
            Node n = top.get("zones");
            List<String> out = new ArrayList<>();
            if (n == null) {
                error(top.at(), "missing 'zones': expected the list of zones this plan touches, e.g. zones: [example.com]");
                return out;
            }
            for (Scalar s : scalars(n, "a list of zone names")) {
                if (s.text() == null || s.text().isBlank()) {
                    error(s.at(), "found an empty zone name, expected a zone such as example.com");
                    continue;
                }
                String z = Names.canonical(s.text().trim());
                String bad = Names.syntaxError(z);
                if (bad != null) {
                    error(s.at(), "found '" + s.text() + "', expected a domain name: " + bad);
                } else if (out.contains(z)) {
                    error(s.at(), "zone '" + s.text() + "' is listed twice");
                } else {
                    out.add(z);
                }
            }
            if (out.isEmpty() && errors.isEmpty()) error(n.at(), "found no zones, expected at least one");
            return out;
        }

        TtlPolicy ttl(MapNode top) {
            Node n = top.get("ttl");
            if (n == null) {
                error(top.at(), "missing 'ttl': expected a block with 'lowered' (seconds), e.g. ttl: { lowered: 300 }");
                return null;
            }
            if (!(n instanceof MapNode m)) {
                error(n.at(), "found " + describe(n) + ", expected a block with lowered, restore and margin");
                return null;
            }
            unknownKeys(m, TTL_KEYS, "ttl");
            Long lowered = null;
            if (m.get("lowered") == null) {
                error(m.at(), "missing 'lowered': the TTL (seconds) the affected RRsets carry around the swap, e.g. 300");
            } else {
                lowered = ttlValue(m.get("lowered"));
            }
            OptionalLong restore = OptionalLong.empty();
            Node r = m.get("restore");
            if (r != null) {
                String s = scalar(r, "'original' or a number of seconds");
                if (s != null && !s.trim().equals("original")) {
                    Long v = ttlValue(r);
                    if (v != null) restore = OptionalLong.of(v);
                }
            }
            Duration margin = null;
            if (m.get("margin") != null) margin = duration(m.get("margin"));
            return lowered == null ? null : new TtlPolicy(lowered, restore, margin);
        }

        List<ChangeSpec> changes(MapNode top, List<String> zones) {
            List<ChangeSpec> out = new ArrayList<>();
            Node n = top.get("changes");
            if (n == null) return out;
            Map<String, Location> seen = new HashMap<>();
            Map<String, List<String>> typesAtName = new LinkedHashMap<>();
            for (Node item : items(n, "a list of changes")) {
                if (!(item instanceof MapNode m)) {
                    error(item.at(), "found " + describe(item) + ", expected a change { name, type, to }");
                    continue;
                }
                unknownKeys(m, CHANGE_KEYS, "a change");
                String written = requiredString(m, "name", "a record name (relative to its zone, @ for the apex)");
                String typeText = requiredString(m, "type", "a record type such as A, AAAA, MX, CNAME");
                String zone = zoneFor(m, written, zones);
                if (written == null || typeText == null || zone == null) continue;
                String type;
                try {
                    type = Rdata.canonicalType(typeText);
                } catch (IllegalArgumentException e) {
                    error(m.get("type").at(), "found '" + typeText + "', expected a record type such as A, AAAA, MX, CNAME, TXT");
                    continue;
                }
                if (type.equals("SOA")) {
                    error(m.get("type").at(), "the SOA record belongs to the provider (its serial moves with every"
                            + " write): change something else");
                    continue;
                }
                String name = Names.resolve(written, zone);
                String bad = Names.syntaxError(name);
                if (bad != null) {
                    error(m.get("name").at(), "found '" + written + "', expected a domain name: " + bad);
                    continue;
                }
                if (!Names.inZone(name, zone)) {
                    error(m.get("name").at(), "name '" + written + "' is outside its zone " + zone
                            + ": write it relative to the zone, or as an absolute name ending in ." + zone);
                    continue;
                }
                List<String> from = m.get("from") == null ? null : rdataList(m.get("from"), type, zone);
                if (m.get("to") == null) {
                    error(m.at(), "missing 'to': expected the records after the swap, e.g. to: [198.51.100.20]"
                            + " (an empty list deletes the RRset)");
                    continue;
                }
                List<String> to = rdataList(m.get("to"), type, zone);
                if (to == null || m.get("from") != null && from == null) continue;
                if (type.equals("CNAME") && to.size() > 1) {
                    error(m.get("to").at(), "a CNAME RRset holds exactly one record (RFC 2181 §10.1), found " + to.size());
                }
                String key = name + " " + type;
                if (seen.containsKey(key)) {
                    error(m.at(), "a second change for " + key + " (the first is at line " + seen.get(key).line()
                            + "): put all its records in one change");
                    continue;
                }
                seen.put(key, m.at());
                if (!to.isEmpty()) typesAtName.computeIfAbsent(name, k -> new ArrayList<>()).add(type);
                out.add(new ChangeSpec(zone, name, type, from, to, m.at()));
            }
            for (ChangeSpec c : out) {
                List<String> types = typesAtName.getOrDefault(c.name(), List.of());
                if (c.type().equals("CNAME") && types.size() > 1) {
                    error(c.at(), "a CNAME cannot stand beside other data (RFC 1034 §3.6.2), but this plan also"
                            + " gives " + c.name() + " " + types.stream().filter(t -> !t.equals("CNAME")).toList());
                }
            }
            return out;
        }

        String zoneFor(MapNode m, String written, List<String> zones) {
            Node zn = m.get("zone");
            if (zn != null) {
                String z = scalar(zn, "one of the plan's zones " + zones);
                if (z == null) return null;
                String c = Names.canonical(z.trim());
                if (!zones.contains(c)) {
                    List<String> bare = zones.stream().map(x -> x.substring(0, x.length() - 1)).toList();
                    error(zn.at(), "zone '" + z + "' is not in 'zones' " + bare
                            + Suggest.didYouMean(z.trim(), bare) + ": add it there or fix the name");
                    return null;
                }
                return c;
            }
            if (zones.size() == 1) return zones.get(0);
            if (zones.isEmpty()) return null;
            if (written != null && written.trim().endsWith(".")) {
                String best = null;
                for (String z : zones) {
                    if (Names.inZone(written.trim(), z) && (best == null || z.length() > best.length())) best = z;
                }
                if (best != null) return best;
                error(m.get("name").at(), "name '" + written + "' is in none of the plan's zones " + zones);
                return null;
            }
            error(m.at(), "this plan has several zones: say which one with 'zone:', or write the name absolute"
                    + " (ending with a dot)");
            return null;
        }

        List<String> rdataList(Node n, String type, String zone) {
            List<String> out = new ArrayList<>();
            boolean ok = true;
            for (Scalar s : scalars(n, "a list of " + type + " records in zone-file form")) {
                if (s.text() == null) {
                    error(s.at(), "found an empty entry, expected " + type + " data");
                    ok = false;
                    continue;
                }
                try {
                    out.add(Rdata.normalise(type, s.text(), zone));
                } catch (IllegalArgumentException e) {
                    error(s.at(), "found '" + s.text() + "', expected " + expectedData(type) + ": " + e.getMessage());
                    ok = false;
                }
            }
            return ok ? out : null;
        }

        List<RewriteRule> rewrites(MapNode top) {
            List<RewriteRule> out = new ArrayList<>();
            Node n = top.get("rewrite");
            if (n == null) return out;
            for (Node item : items(n, "a list of { from: ADDRESS, to: ADDRESS } rules")) {
                if (!(item instanceof MapNode m)) {
                    error(item.at(), "found " + describe(item) + ", expected { from: ADDRESS, to: ADDRESS }");
                    continue;
                }
                unknownKeys(m, REWRITE_KEYS, "a rewrite rule");
                String from = requiredString(m, "from", "the old IPv4 or IPv6 address");
                String to = requiredString(m, "to", "the new IPv4 or IPv6 address");
                if (from == null || to == null) continue;
                String fromType = addressType(from);
                String toType = addressType(to);
                if (fromType == null) {
                    error(m.get("from").at(), "found '" + from + "', expected an IPv4 or IPv6 address");
                    continue;
                }
                if (toType == null) {
                    error(m.get("to").at(), "found '" + to + "', expected an IPv4 or IPv6 address");
                    continue;
                }
                if (!fromType.equals(toType)) {
                    error(m.get("to").at(), "found " + (toType.equals("A") ? "an IPv4" : "an IPv6") + " address, expected "
                            + (fromType.equals("A") ? "an IPv4" : "an IPv6") + " one like 'from' (an A record holds IPv4,"
                            + " AAAA holds IPv6)");
                    continue;
                }
                String f = Rdata.normalise(fromType, from, ".");
                String t = Rdata.normalise(toType, to, ".");
                if (out.stream().anyMatch(r -> r.from().equals(f))) {
                    error(m.at(), "a second rewrite rule from " + from);
                    continue;
                }
                out.add(new RewriteRule(fromType, f, t, m.at()));
            }
            return out;
        }

        List<CheckSpec> checks(MapNode top) {
            List<CheckSpec> out = new ArrayList<>();
            Node n = top.get("checks");
            if (n == null) return out;
            Set<String> ids = new HashSet<>();
            for (Node item : items(n, "a list of checks")) {
                if (!(item instanceof MapNode m)) {
                    error(item.at(), "found " + describe(item) + ", expected a check { id, http: URL } or { id, tcp: HOST:PORT }");
                    continue;
                }
                String id = requiredString(m, "id", "a check id");
                if (id != null && !ids.add(id)) error(m.get("id").at(), "check id '" + id + "' is used twice");
                boolean http = m.get("http") != null;
                boolean tcp = m.get("tcp") != null;
                if (http == tcp) {
                    error(m.at(), "a check has exactly one of 'http' (a URL) or 'tcp' (HOST:PORT)");
                    continue;
                }
                Duration timeout = m.get("timeout") == null ? Duration.ofSeconds(10) : duration(m.get("timeout"));
                if (http) {
                    unknownKeys(m, HTTP_KEYS, "an http check");
                    String url = scalar(m.get("http"), "an http:// or https:// URL");
                    URI uri = null;
                    if (url != null) {
                        try {
                            uri = new URI(url.trim());
                            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                                error(m.get("http").at(), "found '" + url + "', expected an http:// or https:// URL with a host name");
                                uri = null;
                            }
                        } catch (URISyntaxException e) {
                            error(m.get("http").at(), "found '" + url + "', expected a URL: " + e.getReason());
                        }
                    }
                    String connectTo = optionalString(m, "connectTo");
                    if (connectTo != null && addressType(connectTo) == null) {
                        error(m.get("connectTo").at(), "found '" + connectTo + "', expected an IP address to send the"
                                + " request to (names would go through the system resolver and its cache)");
                    }
                    int status = m.get("expectStatus") == null ? 200 : intValue(m.get("expectStatus"), 100, 599, "an HTTP status");
                    Integer minDays = m.get("minCertDays") == null ? null
                            : intValue(m.get("minCertDays"), 0, 36500, "a number of days");
                    String ca = optionalString(m, "caFile");
                    boolean follow = bool(m, "followRedirects", false);
                    if (id != null && uri != null) {
                        out.add(new HttpCheck(id, uri, connectTo, status, optionalString(m, "expectBody"),
                                ca == null ? null : file.toAbsolutePath().getParent().resolve(ca).normalize(),
                                minDays, follow, timeout, m.at()));
                    }
                } else {
                    unknownKeys(m, TCP_KEYS, "a tcp check");
                    String hp = scalar(m.get("tcp"), "HOST:PORT");
                    String expect = optionalString(m, "expect");
                    if (expect != null && !expect.equals("open") && !expect.equals("refused")) {
                        error(m.get("expect").at(), "found '" + expect + "', expected 'open' or 'refused'"
                                + Suggest.didYouMean(expect, List.of("open", "refused")));
                    }
                    HostPort parsed = hp == null ? null : HostPort.parse(hp, -1);
                    if (hp != null && (parsed == null || parsed.port() < 0)) {
                        error(m.get("tcp").at(), "found '" + hp + "', expected an IP address and port, e.g. 198.51.100.25:25");
                        parsed = null;
                    }
                    if (id != null && parsed != null) {
                        out.add(new TcpCheck(id, parsed.host(), parsed.port(), optionalString(m, "expectBanner"),
                                "refused".equals(expect), timeout, m.at()));
                    }
                }
            }
            return out;
        }

        List<PhaseSpec> phases(MapNode top, List<CheckSpec> checks) {
            Node n = top.get("phases");
            if (n == null) return standardTimeline(top.at());
            List<PhaseSpec> out = new ArrayList<>();
            Map<String, Location> ids = new HashMap<>();
            Map<Action, Location> singles = new HashMap<>();
            Set<String> checkIds = new HashSet<>();
            for (CheckSpec c : checks) checkIds.add(c.id());
            for (Node item : items(n, "a list of phases")) {
                if (!(item instanceof MapNode m)) {
                    error(item.at(), "found " + describe(item) + ", expected a phase { id, at, action }");
                    continue;
                }
                unknownKeys(m, PHASE_KEYS, "a phase");
                String id = requiredString(m, "id", "a phase id such as swap");
                String at = requiredString(m, "at", "an offset from the cutover such as T-72h");
                String act = requiredString(m, "action", "one of " + Action.words());
                if (id != null && !PHASE_ID.matcher(id).matches()) {
                    error(m.get("id").at(), "found '" + id + "', expected an id of letters, digits, dashes, dots or underscores");
                    id = null;
                }
                if (id != null && ids.containsKey(id)) {
                    error(m.get("id").at(), "duplicate phase id '" + id + "' (first used at line " + ids.get(id).line() + ")");
                    id = null;
                }
                if (id != null) ids.put(id, m.get("id").at());
                Offset offset = null;
                if (at != null) {
                    try {
                        offset = Offset.parse(at);
                    } catch (IllegalArgumentException e) {
                        error(m.get("at").at(), "found '" + at + "', expected an offset from the cutover: T, T+90s, T-1h30m,"
                                + " T+2d (units s, m, h, d)" + (Offset.wellFormed(at)
                                        ? ", at most " + Offset.LIMIT.toDays() + " days from T" : ""));
                    }
                }
                Action action = null;
                if (act != null) {
                    action = Action.fromWord(act.trim());
                    if (action == null) {
                        error(m.get("action").at(), "unknown action '" + act + "', expected one of " + Action.words()
                                + Suggest.didYouMean(act.trim(), Action.words()));
                    } else if (!action.repeatable()) {
                        Location first = singles.putIfAbsent(action, m.at());
                        if (first != null) {
                            error(m.get("action").at(), "a second " + action + " phase (the first is at line " + first.line()
                                    + "): a plan has at most one " + action);
                        }
                    }
                }
                Duration timeout = m.get("timeout") == null ? null : duration(m.get("timeout"));
                boolean approval = false;
                if (m.get("approval") != null) {
                    String a = scalar(m.get("approval"), "'required' or 'none'");
                    if ("required".equals(a)) approval = true;
                    else if (a != null && !"none".equals(a)) {
                        error(m.get("approval").at(), "found '" + a + "', expected 'required' or 'none'"
                                + Suggest.didYouMean(a, List.of("required", "none")));
                    }
                }
                OnFailure onFailure = OnFailure.ROLLBACK;
                if (m.get("onFailure") != null) {
                    String f = scalar(m.get("onFailure"), "'rollback' or 'halt'");
                    if ("halt".equals(f)) onFailure = OnFailure.HALT;
                    else if (f != null && !"rollback".equals(f)) {
                        error(m.get("onFailure").at(), "found '" + f + "', expected 'rollback' or 'halt'"
                                + Suggest.didYouMean(f, List.of("rollback", "halt")));
                    }
                }
                List<String> phaseChecks = null;
                if (m.get("checks") != null) {
                    phaseChecks = new ArrayList<>();
                    for (Scalar s : scalars(m.get("checks"), "a list of check ids")) {
                        if (s.text() == null || !checkIds.contains(s.text())) {
                            error(s.at(), "unknown check '" + s.text() + "', expected one of the plan's checks "
                                    + sorted(checkIds) + (s.text() == null ? "" : Suggest.didYouMean(s.text(), checkIds)));
                        } else {
                            phaseChecks.add(s.text());
                        }
                    }
                }
                boolean preflight = bool(m, "preflight", true);
                String unreachable = optionalString(m, "unreachable");
                if (unreachable != null && !unreachable.equals("fail") && !unreachable.equals("ignore")) {
                    error(m.get("unreachable").at(), "found '" + unreachable + "', expected 'fail' or 'ignore'");
                }
                if (id != null && offset != null && action != null) {
                    out.add(new PhaseSpec(id, offset, action, timeout, approval, onFailure, phaseChecks, preflight,
                            unreachable, m.at()));
                }
            }
            if (out.isEmpty() && ids.isEmpty()) {
                error(n.at(), "found no phases, expected at least one { id, at, action } (leave 'phases' out for the"
                        + " standard timeline: lower-ttl T-72h, verify T-24h, swap T, confirm T+5m, restore-ttl T+24h)");
            }
            return out;
        }

        List<PhaseSpec> standardTimeline(Location at) {
            return List.of(
                    new PhaseSpec("lower-ttl", Offset.parse("T-72h"), Action.LOWER_TTL, null, false, OnFailure.ROLLBACK, null, true, null, at),
                    new PhaseSpec("verify", Offset.parse("T-24h"), Action.VERIFY, null, false, OnFailure.ROLLBACK, null, true, null, at),
                    new PhaseSpec("swap", Offset.parse("T"), Action.SWAP, null, false, OnFailure.ROLLBACK, null, true, null, at),
                    new PhaseSpec("confirm", Offset.parse("T+5m"), Action.CONFIRM, Duration.ofMinutes(30), false, OnFailure.ROLLBACK, null, true, null, at),
                    new PhaseSpec("restore-ttl", Offset.parse("T+24h"), Action.RESTORE_TTL, null, false, OnFailure.ROLLBACK, null, true, null, at));
        }

        Propagation propagation(MapNode top) {
            Propagation d = Propagation.defaults();
            List<String> ns = addressList(top.get("nameservers"), "nameservers");
            List<String> rs = addressList(top.get("resolvers"), "resolvers");
            Node n = top.get("propagation");
            if (n == null) return new Propagation(ns, rs, d.ignoreUnreachable(), d.interval(), d.queryTimeout(), d.tries(), d.rounds(), d.via());
            if (!(n instanceof MapNode m)) {
                error(n.at(), "found " + describe(n) + ", expected a block with " + sorted(PROPAGATION_KEYS));
                return d;
            }
            unknownKeys(m, PROPAGATION_KEYS, "propagation");
            boolean ignore = false;
            String u = optionalString(m, "unreachable");
            if ("ignore".equals(u)) ignore = true;
            else if (u != null && !"fail".equals(u)) error(m.get("unreachable").at(), "found '" + u + "', expected 'fail' or 'ignore'");
            Duration interval = m.get("interval") == null ? d.interval() : duration(m.get("interval"));
            Duration qt = m.get("queryTimeout") == null ? d.queryTimeout() : duration(m.get("queryTimeout"));
            int tries = m.get("tries") == null ? d.tries() : intValue(m.get("tries"), 1, 10, "a number of tries (1-10)");
            int rounds = m.get("rounds") == null ? d.rounds() : intValue(m.get("rounds"), 1, 10, "a number of rounds (1-10)");
            String via = optionalString(m, "via");
            if (via == null) via = d.via();
            else if (!List.of("auto", "nameservers", "provider").contains(via)) {
                error(m.get("via").at(), "found '" + via + "', expected auto, nameservers or provider"
                        + Suggest.didYouMean(via, List.of("auto", "nameservers", "provider")));
            }
            return new Propagation(ns, rs, ignore, interval, qt, tries, rounds, via);
        }

        // ---- provider move ----

        /** The {@code move:} block, or null when there is none or it is too broken to use (errors say why). */
        MoveSpec move(MapNode top, Propagation propagation) {
            Node n = top.get("move");
            if (n == null) return null;
            if (!(n instanceof MapNode m)) {
                error(n.at(), "found " + describe(n) + ", expected a block with to (the new provider) and nameservers"
                        + " (the new NS set), and optionally servers, parent and dnssec");
                return null;
            }
            unknownKeys(m, MOVE_KEYS, "move");
            ProviderSpec to = null;
            if (m.get("to") == null) {
                error(m.at(), "missing 'to' in move: expected the new provider, a block like provider: with its 'type'"
                        + " (one of " + sorted(providerTypes) + ")");
            } else {
                to = providerBlock(m.get("to"), "move.to");
            }
            List<String> nameservers = moveNameservers(m);
            List<String> servers = addressList(m.get("servers"), "move.servers");
            List<String> parent = moveParent(m);
            MoveSpec.Dnssec dnssec = null;
            String d = optionalString(m, "dnssec");
            if (d != null) {
                dnssec = MoveSpec.Dnssec.fromWord(d.trim());
                if (dnssec == null) {
                    List<String> words = java.util.Arrays.stream(MoveSpec.Dnssec.values()).map(MoveSpec.Dnssec::word).toList();
                    error(m.get("dnssec").at(), "found '" + d + "', expected " + String.join(" or ", words)
                            + Suggest.didYouMean(d.trim(), words));
                }
            }
            if (to == null || nameservers == null || parent == null) return null;
            return new MoveSpec(to, nameservers, servers, parent, dnssec, m.at());
        }

        /** {@code move.nameservers}: host names (never addresses), at least one, each once. */
        List<String> moveNameservers(MapNode m) {
            Node n = m.get("nameservers");
            if (n == null) {
                error(m.at(), "missing 'nameservers' in move: expected the new NS set, e.g. [ns1.new-dns.example.,"
                        + " ns2.new-dns.example.]");
                return null;
            }
            List<String> out = new ArrayList<>();
            boolean ok = true;
            for (Scalar s : scalars(n, "a list of nameserver host names")) {
                String text = s.text() == null ? "" : s.text().trim();
                if (text.isEmpty() || addressType(text) != null || HostPort.parse(text, 53) != null && text.contains(":")) {
                    error(s.at(), "found '" + text + "' in move.nameservers, expected a host name such as ns1.new-dns.example."
                            + " (addresses, with ports for labs, go under move.servers)");
                    ok = false;
                    continue;
                }
                String name = Names.canonical(text);
                String bad = Names.syntaxError(name);
                if (bad != null) {
                    error(s.at(), "found '" + text + "' in move.nameservers, expected a host name: " + bad);
                    ok = false;
                } else if (out.contains(name)) {
                    error(s.at(), "nameserver '" + text + "' is listed twice in move.nameservers");
                    ok = false;
                } else {
                    out.add(name);
                }
            }
            if (ok && out.isEmpty()) {
                error(n.at(), "found no nameservers, expected the new NS set (RFC 1034 §4.1: at least two are usual)");
                ok = false;
            }
            return ok ? out : null;
        }

        /** {@code move.parent}: {@code auto} (the default, an empty list) or the parent's addresses. */
        List<String> moveParent(MapNode m) {
            Node n = m.get("parent");
            if (n == null) return List.of();
            if (n instanceof Scalar s && "auto".equals(s.text() == null ? null : s.text().trim())) return List.of();
            if (n instanceof Scalar s) {
                error(n.at(), "found '" + s.text() + "' in move.parent, expected auto or a list of the parent zone's"
                        + " server addresses, e.g. [192.0.2.53, \"127.0.0.1:5300\"]");
                return null;
            }
            int before = errors.size();
            List<String> out = addressList(n, "move.parent");
            if (errors.size() > before) return null;
            if (out.isEmpty()) {
                error(n.at(), "found an empty list in move.parent, expected auto or the parent zone's server addresses");
                return null;
            }
            return out;
        }

        /**
         * The move actions in a sensible order, and only with a {@code move:} block: copy-zone before compare,
         * a compare before delegate (resolvers go to the new servers only once they are shown to serve the old
         * zone exactly), delegate before await-delegation, await-delegation before release-old (the soak is
         * measured from it). Order is the timeline's: by offset, plan order breaking ties.
         */
        void moveActions(MapNode top, MoveSpec move, List<PhaseSpec> phases, Propagation propagation) {
            boolean moving = top.get("move") != null;
            List<PhaseSpec> ordered = inTimelineOrder(phases);
            Map<Action, PhaseSpec> first = new HashMap<>();
            for (PhaseSpec p : ordered) first.putIfAbsent(p.action(), p);
            Map<Action, PhaseSpec> seen = new HashMap<>();
            for (PhaseSpec p : ordered) {
                Action a = p.action();
                if (!a.needsMove()) continue;
                if (!moving) {
                    error(p.loc(), "phase '" + p.id() + "' is " + a + ", which moves the zones to another provider: add a"
                            + " move: block with to (the new provider) and nameservers (the new NS set)");
                    continue;
                }
                switch (a) {
                    case COMPARE -> mustFollow(p, Action.COPY_ZONE, first, seen, false, "");
                    case DELEGATE -> mustFollow(p, Action.COMPARE, first, seen, true, ": resolvers are sent to the new"
                            + " servers only once a compare has shown they serve the old zone exactly");
                    case AWAIT_DELEGATION -> mustFollow(p, Action.DELEGATE, first, seen, false, "");
                    case RELEASE_OLD -> mustFollow(p, Action.AWAIT_DELEGATION, first, seen, true, ": the old provider is"
                            + " kept until parent NS TTL + child NS TTL + margin after the delegation was seen everywhere");
                    default -> { }
                }
                seen.putIfAbsent(a, p);
            }
            if (move == null) return;
            MapNode m = (MapNode) top.get("move");
            boolean asksParent = first.containsKey(Action.DELEGATE) || first.containsKey(Action.AWAIT_DELEGATION)
                    || first.containsKey(Action.RELEASE_OLD);
            if (asksParent && move.parentAuto() && propagation.resolvers().isEmpty()) {
                error(m.get("parent") != null ? m.get("parent").at() : m.at(), "move.parent is auto, which finds the parent"
                        + " zone's servers through the plan's resolvers, and the plan lists none: add resolvers: or list"
                        + " the parent's addresses under move.parent");
            }
            if (first.containsKey(Action.COMPARE) && move.servers().isEmpty() && propagation.resolvers().isEmpty()) {
                error(m.get("nameservers").at(), "compare asks every address of move.nameservers, and the plan has no"
                        + " resolvers to look them up: add resolvers: or list the addresses under move.servers");
            }
        }

        /**
         * {@code p} must come after a phase of action {@code before}: one must exist when {@code required},
         * else only its order counts.
         */
        private void mustFollow(PhaseSpec p, Action before, Map<Action, PhaseSpec> first, Map<Action, PhaseSpec> seen,
                boolean required, String why) {
            if (seen.containsKey(before)) return;
            PhaseSpec later = first.get(before);
            if (later != null) {
                error(p.loc(), p.action() + " ('" + p.id() + "', at " + p.at() + ") runs before " + before + " ('"
                        + later.id() + "', at " + later.at() + ")" + why + ": move it after, or " + before + " before");
            } else if (required) {
                error(p.loc(), p.action() + " ('" + p.id() + "') needs a " + before + " phase before it" + why);
            }
        }

        /** Phases in the order the timeline runs them: by offset from T, plan order breaking ties. */
        private List<PhaseSpec> inTimelineOrder(List<PhaseSpec> phases) {
            List<PhaseSpec> out = new ArrayList<>(phases);
            out.sort(java.util.Comparator.comparing(p -> p.at().fromCutover()));
            return out;
        }

        List<String> addressList(Node n, String what) {
            List<String> out = new ArrayList<>();
            if (n == null) return out;
            for (Scalar s : scalars(n, "a list of addresses with optional ports")) {
                HostPort hp = s.text() == null ? null : HostPort.parse(s.text(), 53);
                if (hp == null || addressType(hp.host()) == null) {
                    error(s.at(), "found '" + s.text() + "' in " + what + ", expected an IP address with an optional port,"
                            + " e.g. 192.0.2.53, 127.0.0.1:5301 or [2001:db8::53]:53");
                } else {
                    out.add(hp.toString());
                }
            }
            return out;
        }

        // ---- small readers ----

        void unknownKeys(MapNode m, Set<String> known, String where) {
            for (Entry e : m.entries().values()) {
                if (!known.contains(e.key())) {
                    error(e.keyAt(), "unknown key '" + e.key() + "' in " + where + ", expected one of " + sorted(known)
                            + Suggest.didYouMean(e.key(), known));
                }
            }
        }

        String requiredString(MapNode m, String key, String expected) {
            Node n = m.get(key);
            if (n == null) {
                error(m.at(), "missing '" + key + "': expected " + expected);
                return null;
            }
            String s = scalar(n, expected);
            if (s != null && s.isBlank()) {
                error(n.at(), "found an empty '" + key + "', expected " + expected);
                return null;
            }
            return s;
        }

        String optionalString(MapNode m, String key) {
            Node n = m.get(key);
            return n == null ? null : scalar(n, "a single value");
        }

        String scalar(Node n, String expected) {
            if (n instanceof Scalar s) {
                if (s.text() == null) {
                    error(n.at(), "found nothing, expected " + expected);
                    return null;
                }
                return s.text();
            }
            error(n.at(), "found " + describe(n) + ", expected " + expected);
            return null;
        }

        /** A list of scalars; a single scalar is accepted as a list of one. */
        List<Scalar> scalars(Node n, String expected) {
            List<Scalar> out = new ArrayList<>();
            if (n instanceof Scalar s) {
                if (s.text() != null) out.add(s);
                return out;
            }
            if (n instanceof ListNode l) {
                for (Node i : l.items()) {
                    if (i instanceof Scalar s) out.add(s);
                    else error(i.at(), "found " + describe(i) + ", expected " + expected);
                }
                return out;
            }
            error(n.at(), "found " + describe(n) + ", expected " + expected);
            return out;
        }

        List<Node> items(Node n, String expected) {
            if (n instanceof ListNode l) return l.items();
            if (n instanceof Scalar s && s.text() == null) return List.of();
            error(n.at(), "found " + describe(n) + ", expected " + expected);
            return List.of();
        }

        Long ttlValue(Node n) {
            String s = scalar(n, "a TTL in seconds (0.." + RRset.MAX_TTL + ")");
            if (s == null) return null;
            try {
                long v = Long.parseLong(s.trim());
                if (v < 0 || v > RRset.MAX_TTL) {
                    error(n.at(), "found TTL " + s.trim() + ", expected 0.." + RRset.MAX_TTL + " seconds (RFC 2181 §8)");
                    return null;
                }
                return v;
            } catch (NumberFormatException e) {
                error(n.at(), "found '" + s + "', expected a TTL in whole seconds (0.." + RRset.MAX_TTL + ")");
                return null;
            }
        }

        int intValue(Node n, int min, int max, String expected) {
            String s = scalar(n, expected);
            if (s == null) return min;
            try {
                int v = Integer.parseInt(s.trim());
                if (v < min || v > max) {
                    error(n.at(), "found " + v + ", expected " + expected + " between " + min + " and " + max);
                }
                return v;
            } catch (NumberFormatException e) {
                error(n.at(), "found '" + s + "', expected " + expected);
                return min;
            }
        }

        Duration duration(Node n) {
            String s = scalar(n, "a duration such as 90s, 5m, 1h30m or 2d");
            if (s == null) return null;
            try {
                return Durations.parse(s);
            } catch (IllegalArgumentException e) {
                error(n.at(), "found '" + s + "', expected a duration such as 90s, 5m, 1h30m or 2d, at most "
                        + Durations.LIMIT.toDays() + " days");
                return null;
            }
        }

        boolean bool(MapNode m, String key, boolean dflt) {
            Node n = m.get(key);
            if (n == null) return dflt;
            String s = scalar(n, "true or false");
            if ("true".equals(s)) return true;
            if ("false".equals(s)) return false;
            if (s != null) error(n.at(), "found '" + s + "', expected true or false");
            return dflt;
        }
    }

    static String expectedData(String type) {
        return switch (type) {
            case "A" -> "an IPv4 address such as 198.51.100.20";
            case "AAAA" -> "an IPv6 address such as 2001:db8::20";
            case "MX" -> "a preference and a host, such as \"10 mail.example.net.\"";
            case "CNAME", "NS", "PTR" -> "a host name such as target.example.net.";
            case "TXT" -> "quoted text";
            default -> type + " data in zone-file form";
        };
    }

    /** "A" for an IPv4 literal, "AAAA" for IPv6, null for anything else (never resolves names). */
    static String addressType(String s) {
        String t = s.trim();
        if (t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String part : t.split("\\.")) if (Integer.parseInt(part) > 255) return null;
            return "A";
        }
        if (t.contains(":") && t.matches("[0-9A-Fa-f:.]+")) {
            try {
                InetAddress.getByName(t); // a literal: parsed, never looked up
                return "AAAA";
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static String describe(Node n) {
        if (n instanceof MapNode) return "a block of keys";
        if (n instanceof ListNode) return "a list";
        Scalar s = (Scalar) n;
        return s.text() == null ? "nothing" : "'" + s.text() + "'";
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
