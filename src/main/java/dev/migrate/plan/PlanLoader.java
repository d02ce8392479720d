package dev.migrate.plan;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.Rdata;
import dev.migrate.plan.YamlTree.Entry;
import dev.migrate.plan.YamlTree.ListNode;
import dev.migrate.plan.YamlTree.MapNode;
import dev.migrate.plan.YamlTree.Node;
import dev.migrate.plan.YamlTree.Scalar;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.SettingProblem;
import dev.migrate.state.StateLocation;
import dev.migrate.support.Durations;
import dev.migrate.support.IoProblems;
import dev.migrate.support.Times;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
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
            "rewrite", "phases", "checks", "nameservers", "resolvers", "propagation", "state", "notify", "move");
    static final Set<String> TTL_KEYS = Set.of("lowered", "restore", "margin");
    static final Set<String> CHANGE_KEYS = Set.of("zone", "name", "type", "from", "to");
    static final Set<String> REWRITE_KEYS = Set.of("from", "to", "spf");
    static final Set<String> PHASE_KEYS = Set.of("id", "at", "action", "timeout", "approval", "onFailure",
            "checks", "preflight", "unreachable", "changes", "rewrite", "zones", "swap", "command", "shell", "env");
    /** Keys only a swap phase takes (its own step), and only a confirm ({@code swap:} names what it confirms). */
    static final Set<String> SWAP_PHASE_KEYS = Set.of("changes", "rewrite", "zones");
    static final Set<String> HTTP_KEYS = Set.of("id", "http", "connectTo", "expectStatus", "expectBody", "caFile",
            "minCertDays", "followRedirects", "timeout", "forEachZone");
    static final Set<String> TCP_KEYS = Set.of("id", "tcp", "expectBanner", "expect", "timeout", "forEachZone");
    static final Set<String> DNS_KEYS = Set.of("id", "dns", "name", "type", "expect", "timeout", "forEachZone");
    static final Set<String> SMTP_KEYS = Set.of("id", "smtp", "helo", "starttls", "tlsName", "caFile", "minCertDays",
            "mailFrom", "rcptTo", "expect", "timeout", "forEachZone");
    static final Set<String> RESOLVER_KEYS = Set.of("addresses", "gate");
    /** Replaced by the zone's name (without the final dot) in a check written with {@code forEachZone: true}. */
    static final String ZONE_PLACEHOLDER = "{zone}";
    private static final List<String> CHECK_KINDS = List.of("http", "tcp", "dns", "smtp");
    /** RFC 5321 §4.1.2 Dot-string of atext (RFC 5322 §3.2.3) '@' a domain: no spaces, brackets or line breaks. */
    private static final Pattern MAILBOX = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
            + "@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");
    static final Set<String> MOVE_KEYS = Set.of("to", "nameservers", "servers", "parent", "dnssec");
    static final Set<String> PROPAGATION_KEYS = Set.of("unreachable", "interval", "queryTimeout", "tries", "rounds", "via");
    private static final Pattern PLAN_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern PHASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    static final Set<String> NOTIFY_KEYS = Set.of("webhookEnv", "webhookFile", "format");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A command that runs longer than a day holds the plan's lock too long: it belongs outside the plan. */
    static final Duration RUN_TIMEOUT_LIMIT = Duration.ofHours(24);

    /** Which provider types exist and the keys each accepts; unknown keys in {@code provider:} are errors. */
    private final Function<String, Set<String>> providerKeys;
    private final Set<String> providerTypes;
    /** The adapters, to check their settings as the plan loads; empty when only keys are known. */
    private final Map<String, ProviderFactory> factories;

    /** A loader that knows each provider type's keys but does not check their values. */
    public PlanLoader(Map<String, Set<String>> providerKeysByType) {
        Map<String, Set<String>> copy = Map.copyOf(providerKeysByType);
        this.providerKeys = copy::get;
        this.providerTypes = copy.keySet();
        this.factories = Map.of();
    }

    /** A loader that also has each adapter check its settings' values, at their line and column. */
    public PlanLoader(java.util.Collection<ProviderFactory> providers) {
        Map<String, ProviderFactory> byType = new java.util.HashMap<>();
        for (ProviderFactory f : providers) byType.putIfAbsent(f.type(), f);
        Map<String, Set<String>> keys = new java.util.HashMap<>();
        byType.forEach((t, f) -> keys.put(t, f.keys()));
        Map<String, Set<String>> copy = Map.copyOf(keys);
        this.providerKeys = copy::get;
        this.providerTypes = copy.keySet();
        this.factories = Map.copyOf(byType);
    }

    /** Largest plan file read, in bytes (see {@link YamlTree#MAX_CHARS}). */
    static final int MAX_BYTES = YamlTree.MAX_CHARS;

    public Plan load(Path file) throws PlanException {
        return load(new StringReader(read(file)), file);
    }

    /**
     * The plan file's text: at most {@link #MAX_BYTES}, UTF-8, refused in words (no such file, a directory,
     * permission denied) rather than with an exception's name.
     */
    static String read(Path file) throws PlanException {
        Location top = new Location(file, 1, 1);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new PlanException(new PlanError(top, "no such plan file"));
        } catch (IOException e) {
            throw new PlanException(new PlanError(top, "cannot read the plan file: " + IoProblems.describe(e)));
        }
        if (bytes.length > MAX_BYTES) {
            throw new PlanException(new PlanError(top, "the plan file is larger than " + MAX_BYTES / (1024 * 1024)
                    + " MiB: a plan names its changes (use rewrite rules to move many records at once); is it the"
                    + " right file?"));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int line = 1;
            int bad = firstBadUtf8(bytes);
            for (int i = 0; i < bad; i++) if (bytes[i] == '\n') line++;
            throw new PlanException(new PlanError(new Location(file, line, 1), "the plan file is not UTF-8 text (byte "
                    + (bad + 1) + " on line " + line + "); save it as UTF-8"));
        }
    }

    private static int firstBadUtf8(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }

    public Plan load(Reader in, Path file) throws PlanException {
        Node root = YamlTree.parse(in, file);
        return new Reading(file).plan(root);
    }

    /**
     * The phase ids a plan file names, read leniently for shell completion: the ids of its {@code phases:}
     * list, the standard timeline's when it has none, nothing when the file is no plan at all. Never throws.
     */
    public static List<String> phaseIds(Path file) {
        try {
            Node root = YamlTree.parse(new StringReader(read(file)), file);
            if (!(root instanceof MapNode top)) return List.of();
            Node phases = top.get("phases");
            if (phases == null) {
                return standardPhases().stream().map(PhaseSpec::id).toList();
            }
            List<String> ids = new ArrayList<>();
            if (phases instanceof ListNode l) {
                for (Node item : l.items()) {
                    if (item instanceof MapNode m && m.get("id") instanceof Scalar id && id.text() != null
                            && PHASE_ID.matcher(id.text()).matches()) {
                        ids.add(id.text());
                    }
                }
            }
            return ids;
        } catch (PlanException | RuntimeException e) {
            return List.of();
        }
    }

    /** The timeline a plan without {@code phases:} gets (lower-ttl T-72h, verify T-24h, swap T, confirm T+5m, restore-ttl T+24h). */
    public static List<PhaseSpec> standardPhases() {
        return new PlanLoader(Map.of()).new Reading(null).standardTimeline(null);
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
            List<CheckSpec> checks = checks(top, zones);
            Map<String, MapNode> phaseNodes = new LinkedHashMap<>();
            List<PhaseSpec> phases = phases(top, checks, phaseNodes);
            List<SwapStep> steps = steps(top, phases, phaseNodes, zones, changes, rewrites);
            confirmsAfterTheirSwaps(phases, phaseNodes, ttl);
            Propagation propagation = propagation(top);
            StateLocation state = state(top);
            List<NotifySpec> notifications = notifications(top);
            MoveSpec move = move(top, propagation);
            moveActions(top, move, phases, propagation, ttl);
            soakOffsets(phases, phaseNodes);
            if (cutover != null) phaseInstants(cutover, phases, ttl);

            if (!errors.isEmpty()) throw new PlanException(errors);
            return new Plan(file, name, cutover, provider, zones, ttl, changes, rewrites, phases, checks, propagation,
                    steps, state, notifications, move);
        }

        /**
         * Each phase's planned instant (T plus its offset, or its anchor's planned instant plus its offset), in
         * the years the clock and the journal can hold. Judged only once everything else loaded: an anchor
         * that names no phase or forms a cycle has been reported already and has no instant.
         */
        void phaseInstants(Instant cutover, List<PhaseSpec> phases, TtlPolicy ttl) {
            if (!errors.isEmpty()) return;
            List<ScheduledPhase> planned;
            try {
                planned = Timeline.schedule(phases, cutover, ttl == null ? 0 : ttl.lowered(), Timeline.plannedSoak(ttl));
            } catch (ArithmeticException | java.time.DateTimeException e) {
                error(phases.isEmpty() ? null : phases.get(0).loc(), "the phases fall outside the years " + Times.RANGE
                        + ": move the cutover or the phases");
                return;
            }
            for (ScheduledPhase s : planned) {
                PhaseSpec p = s.spec();
                if (!Times.inRange(s.at())) {
                    error(p.loc(), "phase " + p.id() + " (" + p.at().text() + ") falls at " + s.at() + ", outside the"
                            + " years " + Times.RANGE + ": move the cutover or the phase");
                }
            }
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
                Instant t = OffsetDateTime.parse(s.trim()).toInstant();
                if (!Times.inRange(t)) {
                    error(n.at(), "found '" + s.trim() + "', expected an instant in the years " + Times.RANGE);
                    return null;
                }
                return t;
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
            Set<String> blank = new HashSet<>();
            for (Entry e : m.entries().values()) {
                if (e.value() instanceof Scalar sc && (sc.text() == null || sc.text().isBlank())) {
                    error(e.keyAt(), "found nothing for '" + e.key() + "' in provider " + type + ", expected a value");
                    blank.add(e.key());
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = (Map<String, Object>) m.plain();
            settings.remove("type");
            settings.values().removeIf(v -> v == null || v instanceof String t && t.isBlank());
            ProviderFactory factory = factories.get(type);
            if (factory != null) {
                List<SettingProblem> problems = new ArrayList<>();
                try {
                    problems.addAll(factory.check(settings));
                    if (problems.isEmpty()) {
                        // The files the values name, once the values are right. Environment variables are not
                        // known when a plan loads: the adapter only checks that one is named.
                        ProviderConfig config = new ProviderConfig(type, settings, baseDir(), name -> null, Clock.systemUTC());
                        problems.addAll(factory.checkFiles(config));
                    }
                } catch (RuntimeException e) {
                    // An adapter's check that fails is its bug; the plan still gets an error, not a stack trace.
                    problems.add(new SettingProblem(List.of(), "the " + type + " adapter could not check these settings: "
                            + Names.printable(String.valueOf(e.getMessage()))));
                }
                for (SettingProblem p : problems) {
                    // A key written without a value is already an error; the adapter's "needs 'k'" says it again.
                    boolean said = p.path().isEmpty() ? blank.stream().anyMatch(k -> p.message().contains("'" + k + "'"))
                            : blank.contains(p.path().get(0));
                    if (!said) error(settingAt(m, p.path()), p.message());
                }
            }
            return new ProviderSpec(type, settings, m.at());
        }

        Path baseDir() {
            Path parent = file.toAbsolutePath().getParent();
            return parent == null ? Path.of(".").toAbsolutePath() : parent;
        }

        /** Where a provider setting's value is written: the deepest node of the path that exists. */
        Location settingAt(MapNode block, List<String> path) {
            Node at = block;
            for (String key : path) {
                if (!(at instanceof MapNode m) || m.get(key) == null) break;
                at = m.get(key);
            }
            return at.at();
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
                String z;
                try {
                    z = zoneName(s.text());
                } catch (IllegalArgumentException e) {
                    error(s.at(), "found '" + Names.printable(s.text()) + "', expected a zone name: " + e.getMessage());
                    continue;
                }
                if (out.contains(z)) {
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
                String name;
                try {
                    name = Names.parseWritten(written, zone);
                } catch (IllegalArgumentException e) {
                    error(m.get("name").at(), "found '" + Names.printable(written) + "', expected a domain name: "
                            + e.getMessage());
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
                String c;
                try {
                    c = zoneName(z);
                } catch (IllegalArgumentException e) {
                    error(zn.at(), "found '" + Names.printable(z) + "', expected one of the plan's zones: " + e.getMessage());
                    return null;
                }
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
                String absolute;
                try {
                    absolute = Names.parseWritten(written, ".");
                } catch (IllegalArgumentException e) {
                    error(m.get("name").at(), "found '" + Names.printable(written) + "', expected a domain name: "
                            + e.getMessage());
                    return null;
                }
                String best = null;
                for (String z : zones) {
                    if (Names.inZone(absolute, z) && (best == null || z.length() > best.length())) best = z;
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
                    out.add(Rdata.parseWritten(type, s.text(), zone));
                } catch (IllegalArgumentException e) {
                    error(s.at(), "found '" + Names.printable(s.text()) + "', expected " + expectedData(type) + ": "
                            + e.getMessage());
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
                boolean spf = bool(m, "spf", false);
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
                out.add(new RewriteRule(fromType, f, t, spf, m.at()));
            }
            return out;
        }

        /** Ids of checks written with {@code forEachZone: true}, each with the ids it expanded to, for phases. */
        final Map<String, List<String>> templates = new LinkedHashMap<>();
        /** The plan's zones, once read. */
        List<String> zonesSeen = List.of();

        /**
         * The plan's checks. A check with {@code forEachZone: true} is a template, expanded here, when the plan
         * loads, into one check per zone ({@code {zone}} replaced by the zone's name, id {@code ID@ZONE}): each
         * expansion is validated like a check written out by hand (errors at the template's lines), ids are
         * unique before anything runs, and the engine, the rehearsal and the journal see concrete checks only.
         */
        List<CheckSpec> checks(MapNode top, List<String> zones) {
            List<CheckSpec> out = new ArrayList<>();
            Node n = top.get("checks");
            zonesSeen = zones;
            if (n == null) return out;
            Map<String, Location> ids = new HashMap<>();
            for (Node item : items(n, "a list of checks")) {
                if (!(item instanceof MapNode m)) {
                    error(item.at(), "found " + describe(item) + ", expected a check { id, http: URL }, { id, tcp: HOST:PORT },"
                            + " { id, dns: ADDRESS, name, expect } or { id, smtp: HOST[:PORT] }");
                    continue;
                }
                String id = requiredString(m, "id", "a check id");
                if (id != null && id.contains("@")) {
                    error(m.get("id").at(), "found '" + id + "': '@' is kept for the checks a forEachZone check expands"
                            + " to (ID@ZONE); choose an id without it");
                    id = null;
                }
                if (id != null && (ids.containsKey(id) || templates.containsKey(id))) {
                    error(m.get("id").at(), "check id '" + id + "' is used twice");
                    id = null;
                }
                boolean perZone = bool(m, "forEachZone", false);
                Location placeholder = firstPlaceholder(m);
                if (!perZone) {
                    if (placeholder != null) {
                        error(placeholder, "'" + ZONE_PLACEHOLDER + "' is only replaced in a check with forEachZone: true;"
                                + " add that, or write the zone out");
                        continue;
                    }
                    CheckSpec c = check(m, id);
                    if (c != null) {
                        ids.put(c.id(), m.at());
                        out.add(c);
                    }
                    continue;
                }
                if (placeholder == null) {
                    error(m.get("forEachZone").at(), "forEachZone: true, but nothing in this check says " + ZONE_PLACEHOLDER
                            + ": every zone would get the same check; put " + ZONE_PLACEHOLDER + " in its URL, host or name");
                    continue;
                }
                List<String> expanded = new ArrayList<>();
                for (String zone : zones) {
                    String bare = zone.equals(".") ? "" : zone.substring(0, zone.length() - 1);
                    int before = errors.size();
                    CheckSpec c = check(substitute(m, bare), id == null ? null : id + "@" + bare);
                    if (errors.size() > before) {
                        for (int i = before; i < errors.size(); i++) {
                            PlanError e = errors.get(i);
                            errors.set(i, new PlanError(e.where(), e.message() + " (in the check for zone " + bare + ")"));
                        }
                        break; // the template itself is wrong: saying so once is enough
                    }
                    if (c != null) {
                        ids.put(c.id(), m.at());
                        expanded.add(c.id());
                        out.add(c);
                    }
                }
                if (id != null) templates.put(id, List.copyOf(expanded));
            }
            return out;
        }

        /** Where the first {@code {zone}} is written in a check (not in its id), or null. */
        Location firstPlaceholder(MapNode m) {
            for (Entry e : m.entries().values()) {
                if (e.key().equals("id")) continue;
                Location at = firstPlaceholder(e.value());
                if (at != null) return at;
            }
            return null;
        }

        private Location firstPlaceholder(Node n) {
            if (n instanceof Scalar s) return s.text() != null && s.text().contains(ZONE_PLACEHOLDER) ? s.at() : null;
            List<Node> children = n instanceof ListNode l ? l.items()
                    : ((MapNode) n).entries().values().stream().map(Entry::value).toList();
            for (Node c : children) {
                Location at = firstPlaceholder(c);
                if (at != null) return at;
            }
            return null;
        }

        /** The check with every {@code {zone}} replaced (the id and forEachZone are kept), locations unchanged. */
        MapNode substitute(MapNode m, String zone) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Entry e : m.entries().values()) {
                Node v = e.key().equals("id") || e.key().equals("forEachZone") ? e.value() : replaced(e.value(), zone);
                entries.put(e.key(), new Entry(e.key(), e.keyAt(), v));
            }
            return new MapNode(m.at(), entries);
        }

        private Node replaced(Node n, String zone) {
            if (n instanceof Scalar s) {
                return s.text() == null ? s : new Scalar(s.at(), s.text().replace(ZONE_PLACEHOLDER, zone));
            }
            if (n instanceof ListNode l) return new ListNode(l.at(), l.items().stream().map(i -> replaced(i, zone)).toList());
            MapNode m = (MapNode) n;
            Map<String, Entry> entries = new LinkedHashMap<>();
            m.entries().forEach((k, e) -> entries.put(k, new Entry(k, e.keyAt(), replaced(e.value(), zone))));
            return new MapNode(m.at(), entries);
        }

        /** One check, of the kind its key says; null (with errors) when it cannot be used. */
        CheckSpec check(MapNode m, String id) {
            List<String> kinds = CHECK_KINDS.stream().filter(k -> m.get(k) != null).toList();
            if (kinds.size() != 1) {
                error(m.at(), "a check has exactly one of 'http' (a URL), 'tcp' (HOST:PORT), 'dns' (the address of a"
                        + " DNS server) or 'smtp' (HOST[:PORT])" + (kinds.isEmpty() ? "" : "; found " + kinds));
                return null;
            }
            Duration timeout = m.get("timeout") == null ? Duration.ofSeconds(10) : duration(m.get("timeout"));
            return switch (kinds.get(0)) {
                case "http" -> httpCheck(m, id, timeout);
                case "tcp" -> tcpCheck(m, id, timeout);
                case "dns" -> dnsCheck(m, id, timeout);
                default -> smtpCheck(m, id, timeout);
            };
        }

        HttpCheck httpCheck(MapNode m, String id, Duration timeout) {
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
            Integer minDays = minCertDays(m);
            Path ca = caFile(m);
            boolean follow = bool(m, "followRedirects", false);
            if (id == null || uri == null || timeout == null) return null;
            return new HttpCheck(id, uri, connectTo, status, optionalString(m, "expectBody"), ca, minDays, follow, timeout, m.at());
        }

        TcpCheck tcpCheck(MapNode m, String id, Duration timeout) {
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
            if (id == null || parsed == null || timeout == null) return null;
            return new TcpCheck(id, parsed.host(), parsed.port(), optionalString(m, "expectBanner"), "refused".equals(expect),
                    timeout, m.at());
        }

        DnsCheck dnsCheck(MapNode m, String id, Duration timeout) {
            unknownKeys(m, DNS_KEYS, "a dns check");
            HostPort server = address(m, "dns", 53, "the IP address (and port) of the DNS server to ask, e.g. 203.0.113.53"
                    + " or 127.0.0.1:5353");
            String written = requiredString(m, "name", "the domain name to ask for, e.g. www.example.com");
            String name = null;
            if (written != null) {
                try {
                    name = Names.parseWritten(written, ".");
                } catch (IllegalArgumentException e) {
                    error(m.get("name").at(), "found '" + Names.printable(written) + "', expected a domain name: "
                            + e.getMessage());
                }
            }
            String type = "A";
            if (m.get("type") != null) {
                String t = scalar(m.get("type"), "a record type such as A, AAAA, MX, TXT");
                try {
                    type = t == null ? null : Rdata.canonicalType(t);
                } catch (IllegalArgumentException e) {
                    error(m.get("type").at(), "found '" + t + "', expected a record type such as A, AAAA, MX, CNAME, TXT");
                    type = null;
                }
            }
            List<String> expect = null;
            if (m.get("expect") == null) {
                error(m.at(), "missing 'expect': the records the answer must hold, e.g. expect: [198.51.100.20]"
                        + " (an empty list: the name must have none of this type)");
            } else if (type != null && name != null) {
                // Relative names in the data are taken against the plan's zone holding the name, as in changes.
                expect = rdataList(m.get("expect"), type, zoneOf(name));
            }
            if (id == null || server == null || name == null || type == null || expect == null || timeout == null) return null;
            return new DnsCheck(id, server, name, type, expect, timeout, m.at());
        }

        SmtpCheck smtpCheck(MapNode m, String id, Duration timeout) {
            unknownKeys(m, SMTP_KEYS, "an smtp check");
            HostPort server = address(m, "smtp", 25, "the IP address (and port, default 25) of the mail host, e.g."
                    + " 198.51.100.25 or 127.0.0.1:2525");
            String helo = optionalString(m, "helo");
            if (helo == null) {
                helo = "localhost";
            } else if (!HOST_NAME.matcher(helo.trim()).matches() || helo.trim().length() > 253) {
                error(m.get("helo").at(), "found '" + helo + "', expected this machine's host name for EHLO, e.g."
                        + " checker.example.com");
                helo = null;
            }
            boolean starttls = bool(m, "starttls", false);
            String tlsName = optionalString(m, "tlsName");
            if (tlsName != null && !HOST_NAME.matcher(tlsName.trim()).matches()) {
                error(m.get("tlsName").at(), "found '" + tlsName + "', expected the host name the certificate must carry,"
                        + " e.g. mail.example.com");
                tlsName = null;
            }
            Path ca = caFile(m);
            Integer minDays = minCertDays(m);
            if (starttls && tlsName == null && m.get("tlsName") == null) {
                error(m.at(), "missing 'tlsName': with starttls the certificate is checked against a name, normally the"
                        + " MX host name, e.g. tlsName: mail.example.com");
            }
            if (!starttls) {
                for (String k : List.of("tlsName", "caFile", "minCertDays")) {
                    if (m.get(k) != null) error(m.entries().get(k).keyAt(), "'" + k + "' needs starttls: true");
                }
            }
            String mailFrom = mailbox(m, "mailFrom", true);
            String rcptTo = mailbox(m, "rcptTo", false);
            if (m.get("mailFrom") != null && m.get("rcptTo") == null) {
                error(m.entries().get("mailFrom").keyAt(), "mailFrom without rcptTo proves nothing: the recipient's"
                        + " answer is what decides; add rcptTo");
            }
            String expect = optionalString(m, "expect");
            if (expect != null && !expect.equals("accept") && !expect.equals("defer")) {
                error(m.get("expect").at(), "found '" + expect + "', expected 'accept' (2xx: the new mail host) or 'defer'"
                        + " (4xx or refused: a host that holds mail back while mailboxes move)"
                        + Suggest.didYouMean(expect, List.of("accept", "defer")));
                expect = null;
            }
            if (id == null || server == null || helo == null || timeout == null || expect == null && m.get("expect") != null
                    || starttls && tlsName == null || m.get("mailFrom") != null && (mailFrom == null || rcptTo == null)
                    || m.get("rcptTo") != null && rcptTo == null) {
                return null;
            }
            return new SmtpCheck(id, server, helo.trim(), starttls, tlsName == null ? null : tlsName.trim().toLowerCase(),
                    starttls ? ca : null, starttls ? minDays : null, rcptTo == null ? null : mailFrom == null ? "" : mailFrom,
                    rcptTo, "defer".equals(expect), timeout, m.at());
        }

        /** A mailbox for MAIL FROM or RCPT TO; they go on an SMTP command line, so nothing but a plain address. */
        String mailbox(MapNode m, String key, boolean emptyAllowed) {
            Node n = m.get(key);
            if (n == null) return null;
            String s = n instanceof Scalar sc && sc.text() == null && emptyAllowed ? "" : scalar(n, "a mail address");
            if (s == null) return null;
            String t = s.trim();
            if (t.isEmpty() && emptyAllowed) return "";
            if (!MAILBOX.matcher(t).matches() || t.length() > 254) {
                error(n.at(), "found '" + s + "', expected a plain mail address such as postmaster@example.com"
                        + (emptyAllowed ? " (or \"\" for the null sender <>)" : ""));
                return null;
            }
            return t;
        }

        HostPort address(MapNode m, String key, int defaultPort, String expected) {
            String s = scalar(m.get(key), expected);
            if (s == null) return null;
            HostPort hp = HostPort.parse(s, defaultPort);
            if (hp == null || addressType(hp.host()) == null) {
                error(m.get(key).at(), "found '" + s + "', expected " + expected + " (names would go through the system"
                        + " resolver and its cache)");
                return null;
            }
            return hp;
        }

        Path caFile(MapNode m) {
            String ca = optionalString(m, "caFile");
            return ca == null ? null : file.toAbsolutePath().getParent().resolve(ca).normalize();
        }

        Integer minCertDays(MapNode m) {
            return m.get("minCertDays") == null ? null : intValue(m.get("minCertDays"), 0, 36500, "a number of days");
        }

        /** The plan zone holding {@code name} (the longest), else the root. */
        String zoneOf(String name) {
            String best = ".";
            for (String z : zonesSeen) {
                if (Names.inZone(name, z) && z.length() > best.length()) best = z;
            }
            return best;
        }

        List<PhaseSpec> phases(MapNode top, List<CheckSpec> checks, Map<String, MapNode> nodes) {
            Node n = top.get("phases");
            if (n == null) return standardTimeline(top.at());
            List<PhaseSpec> out = new ArrayList<>();
            Map<String, Location> ids = new HashMap<>();
            Map<Action, Location> singles = new HashMap<>();
            Set<String> checkIds = new HashSet<>();
            for (CheckSpec c : checks) checkIds.add(c.id());
            // Every id first: a phase may count from one listed after it.
            Set<String> known = new HashSet<>();
            for (Node item : items(n, "a list of phases")) {
                if (item instanceof MapNode m && m.get("id") instanceof Scalar s && s.text() != null) known.add(s.text().trim());
            }
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
                } else if (id != null && (id.equals("T") || Offset.wellFormed(id))) {
                    error(m.get("id").at(), "found '" + id + "', which reads as an offset from the cutover T: choose another id");
                    id = null;
                }
                if (id != null && ids.containsKey(id)) {
                    error(m.get("id").at(), "duplicate phase id '" + id + "' (first used at line " + ids.get(id).line() + ")");
                    id = null;
                }
                if (id != null) {
                    ids.put(id, m.get("id").at());
                    nodes.put(id, m);
                }
                Offset offset = null;
                if (at != null) {
                    try {
                        offset = Offset.parse(at, known);
                        if (id != null && id.equals(offset.anchor())) {
                            error(m.get("at").at(), "phase " + id + " counts from itself");
                            offset = null;
                        }
                    } catch (IllegalArgumentException e) {
                        boolean fromT = Offset.wellFormed(at) || at.trim().startsWith("T+") || at.trim().startsWith("T-")
                                || at.trim().equals("T");
                        if (fromT && !at.contains(Offset.SOAK)) {
                            error(m.get("at").at(), "found '" + at + "', expected an offset from the cutover: T, T+90s, T-1h30m,"
                                    + " T+2d (units s, m, h, d)" + (Offset.wellFormed(at)
                                            ? ", at most " + Offset.LIMIT.toDays() + " days from T" : ""));
                        } else {
                            error(m.get("at").at(), "found '" + at + "': " + e.getMessage());
                        }
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
                // A failed command halts unless the plan asks for a rollback: most commands run before the swap.
                OnFailure onFailure = action == Action.RUN ? OnFailure.HALT : OnFailure.ROLLBACK;
                if (m.get("onFailure") != null) {
                    String f = scalar(m.get("onFailure"), "'rollback' or 'halt'");
                    if ("halt".equals(f)) onFailure = OnFailure.HALT;
                    else if ("rollback".equals(f)) onFailure = OnFailure.ROLLBACK;
                    else if (f != null) {
                        error(m.get("onFailure").at(), "found '" + f + "', expected 'rollback' or 'halt'"
                                + Suggest.didYouMean(f, List.of("rollback", "halt")));
                    }
                }
                List<String> phaseChecks = null;
                if (m.get("checks") != null) {
                    phaseChecks = new ArrayList<>();
                    for (Scalar s : scalars(m.get("checks"), "a list of check ids")) {
                        if (s.text() != null && templates.containsKey(s.text())) {
                            phaseChecks.addAll(templates.get(s.text())); // a forEachZone check: all its zones
                        } else if (s.text() == null || !checkIds.contains(s.text())) {
                            Set<String> knownChecks = new HashSet<>(templates.keySet());
                            checkIds.stream().filter(c -> !c.contains("@")).forEach(knownChecks::add);
                            error(s.at(), "unknown check '" + s.text() + "', expected one of the plan's checks "
                                    + sorted(knownChecks) + (s.text() == null ? "" : Suggest.didYouMean(s.text(), checkIds)));
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
                if (action != null) {
                    for (String k : SWAP_PHASE_KEYS) {
                        if (m.get(k) != null && action != Action.SWAP) {
                            error(m.entries().get(k).keyAt(), "'" + k + "' belongs to a swap phase (the records that"
                                    + " step changes), not to " + action);
                        }
                    }
                    if (m.get("swap") != null && action != Action.CONFIRM) {
                        error(m.entries().get("swap").keyAt(), "'swap' belongs to a confirm phase (the swap it confirms),"
                                + " not to " + action);
                    }
                }
                String swap = optionalString(m, "swap");
                RunSpec run = runSpec(m, action, timeout);
                if (id != null && offset != null && action != null && (run != null || action != Action.RUN)) {
                    out.add(new PhaseSpec(id, offset, action, timeout, approval, onFailure, phaseChecks, preflight,
                            unreachable, action == Action.CONFIRM ? swap : null, m.at(), run));
                }
            }
            anchorCycles(out);
            for (PhaseSpec p : out) {
                if (p.swap() == null) continue;
                PhaseSpec named = out.stream().filter(x -> x.id().equals(p.swap())).findFirst().orElse(null);
                if (named == null || named.action() != Action.SWAP) {
                    error(nodes.get(p.id()).get("swap").at(), "'" + p.swap() + "' is not a swap phase of this plan; swap"
                            + " phases are " + out.stream().filter(x -> x.action() == Action.SWAP).map(PhaseSpec::id).toList());
                }
            }
            if (out.isEmpty() && ids.isEmpty()) {
                error(n.at(), "found no phases, expected at least one { id, at, action } (leave 'phases' out for the"
                        + " standard timeline: lower-ttl T-72h, verify T-24h, swap T, confirm T+5m, restore-ttl T+24h)");
            }
            return out;
        }

        /**
         * A confirm that names its swap ({@code swap: ID}) runs after it: before it, it would confirm nothing, and a
         * later step on the same records would count its safe instant from that confirm.
         */
        void confirmsAfterTheirSwaps(List<PhaseSpec> phases, Map<String, MapNode> nodes, TtlPolicy ttl) {
            List<String> order;
            try {
                order = Timeline.inOrder(Instant.EPOCH, phases, ttl == null ? 0 : ttl.lowered()).stream()
                        .map(ScheduledPhase::id).toList();
            } catch (IllegalArgumentException e) {
                return; // anchors in a cycle: reported on their own
            }
            for (PhaseSpec p : phases) {
                if (p.swap() == null || !order.contains(p.swap())) continue;
                if (order.indexOf(p.id()) < order.indexOf(p.swap())) {
                    error(nodes.get(p.id()).get("swap").at(), "'" + p.id() + "' runs before swap '" + p.swap()
                            + "', which it confirms: put it after it (e.g. at: " + p.swap() + "+1m)");
                }
            }
        }

        /** A phase that counts from another must not, through others, count from itself. */
        void anchorCycles(List<PhaseSpec> phases) {
            Map<String, PhaseSpec> byId = new HashMap<>();
            for (PhaseSpec p : phases) byId.put(p.id(), p);
            for (PhaseSpec p : phases) {
                List<String> path = new ArrayList<>(List.of(p.id()));
                PhaseSpec cur = p;
                while (cur != null && !cur.at().onCutover()) {
                    String next = cur.at().anchor();
                    if (next.equals(p.id())) {
                        error(p.loc(), "phase " + p.id() + " counts from itself through " + String.join(" -> ", path)
                                + " -> " + next + ": anchor one of them on T");
                        break;
                    }
                    if (path.contains(next) || path.size() > phases.size()) break;
                    path.add(next);
                    cur = byId.get(next);
                }
            }
        }

        /**
         * What each swap phase changes: its own changes/rewrite, else the plan's; in its zones (a list, or
         * {@code rest}: the zones no earlier swap phase named; all the plan's zones when it names none).
         */
        List<SwapStep> steps(MapNode top, List<PhaseSpec> phases, Map<String, MapNode> nodes, List<String> zones,
                List<ChangeSpec> changes, List<RewriteRule> rewrites) {
            List<SwapStep> out = new ArrayList<>();
            Set<String> named = new HashSet<>();
            Map<String, String> sharedZoneOwner = new HashMap<>();
            Map<String, ChangeSpec> lastTo = new HashMap<>();
            Map<String, String> lastStep = new HashMap<>();
            for (PhaseSpec p : phases) {
                if (p.action() != Action.SWAP) continue;
                MapNode m = nodes.get(p.id());
                List<String> stepZones = new ArrayList<>(zones);
                Node zn = m == null ? null : m.get("zones");
                if (zn != null) {
                    if (zn instanceof Scalar sc && "rest".equals(sc.text() == null ? null : sc.text().trim())) {
                        stepZones = zones.stream().filter(z -> !named.contains(z)).toList();
                        if (stepZones.isEmpty()) {
                            error(zn.at(), "'rest' leaves no zone for " + p.id() + ": earlier swap phases name every zone"
                                    + " of the plan");
                        }
                    } else {
                        stepZones = new ArrayList<>();
                        for (Scalar sc : scalars(zn, "a list of the plan's zones, or rest")) {
                            String z;
                            try {
                                z = zoneName(sc.text() == null ? "" : sc.text());
                            } catch (IllegalArgumentException e) {
                                error(sc.at(), "found '" + Names.printable(sc.text()) + "', expected one of the plan's"
                                        + " zones: " + e.getMessage());
                                continue;
                            }
                            if (!zones.contains(z)) {
                                List<String> bare = zones.stream().map(x -> x.substring(0, x.length() - 1)).toList();
                                error(sc.at(), "zone '" + sc.text() + "' is not in 'zones' " + bare
                                        + Suggest.didYouMean(sc.text().trim(), bare));
                            } else if (!stepZones.contains(z)) {
                                stepZones.add(z);
                            }
                        }
                        named.addAll(stepZones);
                    }
                }
                boolean own = m != null && (m.get("changes") != null || m.get("rewrite") != null);
                List<ChangeSpec> stepChanges;
                List<RewriteRule> stepRewrites;
                if (own) {
                    stepChanges = changes(m, stepZones);
                    stepRewrites = rewrites(m);
                } else {
                    final List<String> zs = stepZones;
                    stepChanges = changes.stream().filter(c -> zs.contains(c.zone())).toList();
                    stepRewrites = rewrites;
                    for (String z : stepZones) {
                        String other = sharedZoneOwner.putIfAbsent(z, p.id());
                        if (other != null && (!changes.isEmpty() || !rewrites.isEmpty())) {
                            error(zn != null ? zn.at() : p.loc(), "swap phases " + other + " and " + p.id() + " both apply"
                                    + " the plan's changes to " + z + ": give each its zones (waves) or its own changes");
                            break;
                        }
                    }
                }
                for (ChangeSpec c : stepChanges) {
                    String key = c.zone() + " " + c.name() + " " + c.type();
                    ChangeSpec prev = lastTo.get(key);
                    if (prev != null && c.from() != null && !sameData(c.type(), prev.to(), c.from())) {
                        error(c.at(), c.name() + " " + c.type() + ": 'from' " + c.from() + " contradicts the step before"
                                + " it (" + lastStep.get(key) + ", line " + prev.at().line() + "), which sets " + prev.to());
                    }
                    lastTo.put(key, c);
                    lastStep.put(key, p.id());
                }
                out.add(new SwapStep(p.id(), stepZones, stepChanges, stepRewrites));
            }
            return out;
        }

        /** The same records, as RRsets compare them (names in the data without regard to case, RFC 4343). */
        private boolean sameData(String type, List<String> a, List<String> b) {
            if (a.isEmpty() || b.isEmpty()) return a.isEmpty() && b.isEmpty();
            return new RRset(".", type, 0, a).sameData(new RRset(".", type, 0, b));
        }

        List<PhaseSpec> standardTimeline(Location at) {
            return List.of(
                    new PhaseSpec("lower-ttl", Offset.parse("T-72h"), Action.LOWER_TTL, null, false, OnFailure.ROLLBACK, null, true, null, null, at),
                    new PhaseSpec("verify", Offset.parse("T-24h"), Action.VERIFY, null, false, OnFailure.ROLLBACK, null, true, null, null, at),
                    new PhaseSpec("swap", Offset.parse("T"), Action.SWAP, null, false, OnFailure.ROLLBACK, null, true, null, null, at),
                    new PhaseSpec("confirm", Offset.parse("T+5m"), Action.CONFIRM, Duration.ofMinutes(30), false, OnFailure.ROLLBACK, null, true, null, null, at),
                    new PhaseSpec("restore-ttl", Offset.parse("T+24h"), Action.RESTORE_TTL, null, false, OnFailure.ROLLBACK, null, true, null, null, at));
        }

        /** {@code state: file:} / {@code file:DIR} / {@code postgresql://...}; never a password (the message says where). */
        StateLocation state(MapNode top) {
            Node n = top.get("state");
            if (n == null) return null;
            String s = scalar(n, "file: or postgresql://HOST[:PORT]/DATABASE?user=NAME");
            if (s == null) return null;
            try {
                return StateLocation.parse(s, file.toAbsolutePath().getParent());
            } catch (IllegalArgumentException e) {
                error(n.at(), "state: " + e.getMessage());
                return null;
            }
        }

        Propagation propagation(MapNode top) {
            Propagation d = Propagation.defaults();
            List<String> ns = addressList(top.get("nameservers"), "nameservers");
            Node resolvers = top.get("resolvers");
            boolean gate = false;
            if (resolvers instanceof MapNode rm) {
                // The block form: { addresses: [...], gate: true }; the list form stays a report only.
                unknownKeys(rm, RESOLVER_KEYS, "resolvers");
                gate = bool(rm, "gate", false);
                resolvers = rm.get("addresses");
                if (resolvers == null) error(rm.at(), "missing 'addresses': the resolvers to watch, e.g. resolvers: {"
                        + " addresses: [192.0.2.1], gate: true }");
            }
            List<String> rs = addressList(resolvers, "resolvers");
            if (gate && rs.isEmpty() && resolvers != null) error(resolvers.at(), "gate: true needs at least one resolver address");
            Node n = top.get("propagation");
            if (n == null) return new Propagation(ns, rs, d.ignoreUnreachable(), d.interval(), d.queryTimeout(), d.tries(), d.rounds(), d.via(), gate);
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
            return new Propagation(ns, rs, ignore, interval, qt, tries, rounds, via, gate);
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
                String name;
                try {
                    name = Names.parseWritten(text, ".");
                } catch (IllegalArgumentException e) {
                    error(s.at(), "found '" + Names.printable(text) + "' in move.nameservers, expected a host name: "
                            + e.getMessage());
                    ok = false;
                    continue;
                }
                if (out.contains(name)) {
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
        void moveActions(MapNode top, MoveSpec move, List<PhaseSpec> phases, Propagation propagation, TtlPolicy ttl) {
            boolean moving = top.get("move") != null;
            List<PhaseSpec> ordered = inTimelineOrder(phases, ttl);
            if (ordered == null) return; // anchors in a cycle: said already
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
            PhaseSpec released = null;
            for (PhaseSpec p : ordered) {
                if (p.action() == Action.RELEASE_OLD) released = p;
                boolean dns = p.action() == Action.LOWER_TTL || p.action() == Action.SWAP || p.action() == Action.CONFIRM
                        || p.action() == Action.RESTORE_TTL;
                if (released != null && dns) {
                    error(p.loc(), p.action() + " ('" + p.id() + "') runs after release-old ('" + released.id() + "'), when"
                            + " the zones are no longer the plan's provider's to change: put it before the release");
                }
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

        /**
         * Phases in the order the timeline runs them (anchored ones after their anchors, plan order breaking
         * ties), or null when their anchors cannot be ordered (a cycle, reported already).
         */
        private List<PhaseSpec> inTimelineOrder(List<PhaseSpec> phases, TtlPolicy ttl) {
            try {
                return Timeline.schedule(phases, Instant.EPOCH, ttl == null ? 0 : ttl.lowered(), Offset.USUAL_PARENT_NS_TTL)
                        .stream().map(ScheduledPhase::spec).toList();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** {@code parent-ttl} (a provider move's soak) counts from an await-delegation phase, the one that measures it. */
        void soakOffsets(List<PhaseSpec> phases, Map<String, MapNode> nodes) {
            Map<String, PhaseSpec> byId = new HashMap<>();
            for (PhaseSpec p : phases) byId.put(p.id(), p);
            for (PhaseSpec p : phases) {
                if (!p.at().soak()) continue;
                PhaseSpec anchor = byId.get(p.at().anchor());
                if (anchor != null && anchor.action() != Action.AWAIT_DELEGATION) {
                    MapNode m = nodes.get(p.id());
                    error(m != null && m.get("at") != null ? m.get("at").at() : p.loc(), "'" + p.at().text() + "' adds "
                            + Offset.SOAK + " to '" + anchor.id() + "', which is " + anchor.action() + ": " + Offset.SOAK
                            + " (parent NS TTL + old NS TTL + margin) counts from the await-delegation phase that"
                            + " measures it");
                }
            }
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

        // ---- action: run, and notify ----

        /** The command of an {@code action: run} phase; run keys on any other action are errors. Null when absent or wrong. */
        RunSpec runSpec(MapNode m, Action action, Duration timeout) {
            if (action == null) return null; // the unknown action is the error to fix first
            if (action != Action.RUN) {
                for (String k : List.of("command", "shell", "env")) {
                    if (m.entries().containsKey(k)) {
                        error(m.entries().get(k).keyAt(), "'" + k + "' belongs to phases with action: run, not " + action);
                    }
                }
                return null;
            }
            if (timeout != null && (timeout.isZero() || timeout.compareTo(RUN_TIMEOUT_LIMIT) > 0)) {
                error(m.get("timeout").at(), "found '" + ((Scalar) m.get("timeout")).text() + "', expected a timeout for the"
                        + " command between 1s and 24h");
            }
            boolean shell = bool(m, "shell", false);
            Node c = m.get("command");
            if (c == null) {
                error(m.at(), "missing 'command': expected the program and its arguments, e.g. command: [rndc, flush]"
                        + " (or, with shell: true, one string for /bin/sh -c)");
                return null;
            }
            List<String> argv = new ArrayList<>();
            if (shell) {
                if (!(c instanceof Scalar s) || s.text() == null || s.text().isBlank()) {
                    error(c.at(), "found " + describe(c) + ", expected one string: with shell: true the command is a"
                            + " script run by /bin/sh -c");
                    return null;
                }
                argv.add(s.text());
            } else {
                if (!(c instanceof ListNode l)) {
                    error(c.at(), "found " + describe(c) + ", expected a list: the program and its arguments, e.g."
                            + " [rndc, flush] (no shell runs it; to use one, say shell: true and give one string)");
                    return null;
                }
                if (l.items().isEmpty()) {
                    error(c.at(), "found an empty command, expected the program and its arguments, e.g. [rndc, flush]");
                    return null;
                }
                boolean ok = true;
                for (Node i : l.items()) {
                    if (!(i instanceof Scalar s) || s.text() == null) {
                        error(i.at(), "found " + describe(i) + ", expected an argument (a string)");
                        ok = false;
                    } else if (s.text().indexOf('\0') >= 0) {
                        error(i.at(), "an argument holds a NUL character, which no program can receive");
                        ok = false;
                    } else {
                        argv.add(s.text());
                    }
                }
                if (ok && argv.get(0).isBlank()) {
                    error(l.items().get(0).at(), "found an empty program name, expected a program such as rndc or"
                            + " ./scripts/flush.sh");
                    ok = false;
                }
                if (!ok) return null;
            }
            Map<String, RunSpec.EnvValue> env = new LinkedHashMap<>();
            Node e = m.get("env");
            if (e != null) {
                if (!(e instanceof MapNode em)) {
                    error(e.at(), "found " + describe(e) + ", expected a block of NAME: value, NAME: { fromEnv: VAR }"
                            + " or NAME: { fromFile: PATH }");
                    return null;
                }
                for (Entry v : em.entries().values()) {
                    RunSpec.EnvValue value = envValue(v);
                    if (value != null) env.put(v.key(), value);
                }
            }
            return new RunSpec(argv, shell, env);
        }

        RunSpec.EnvValue envValue(Entry v) {
            if (!ENV_NAME.matcher(v.key()).matches()) {
                error(v.keyAt(), "found '" + v.key() + "', expected a variable name of letters, digits and _ not"
                        + " starting with a digit");
                return null;
            }
            if (v.key().startsWith("MIGRATE_")) {
                error(v.keyAt(), "'" + v.key() + "': names starting with MIGRATE_ are the ones migrate sets itself");
                return null;
            }
            if (v.value() instanceof Scalar s) {
                if (s.text() == null) {
                    error(s.at(), "found nothing for " + v.key() + ", expected a value, { fromEnv: VAR } or { fromFile: PATH }");
                    return null;
                }
                return new RunSpec.EnvValue.Plain(s.text());
            }
            SecretRef ref = secretRef(v.value(), "fromEnv", "fromFile", "the value of " + v.key());
            return ref == null ? null : new RunSpec.EnvValue.FromSecret(ref);
        }

        /** {@code { <envKey>: VAR }} or {@code { <fileKey>: PATH }}, exactly one. */
        SecretRef secretRef(Node n, String envKey, String fileKey, String what) {
            if (!(n instanceof MapNode m)) {
                error(n.at(), "found " + describe(n) + ", expected { " + envKey + ": VARIABLE } or { " + fileKey + ": PATH }"
                        + " for " + what);
                return null;
            }
            unknownKeys(m, Set.of(envKey, fileKey), what);
            return secretRefIn(m, envKey, fileKey, what);
        }

        /** One of {@code envKey} / {@code fileKey} in a block that may hold other keys too. */
        SecretRef secretRefIn(MapNode m, String envKey, String fileKey, String what) {
            boolean env = m.get(envKey) != null;
            if (env == (m.get(fileKey) != null)) {
                error(m.at(), (env ? "both '" + envKey + "' and '" + fileKey + "'" : "neither '" + envKey + "' nor '"
                        + fileKey + "'") + " for " + what + ": give exactly one (an environment variable or a file)");
                return null;
            }
            String name = scalar(m.get(env ? envKey : fileKey), env ? "an environment variable's name" : "a file path");
            if (name == null || name.isBlank()) return null;
            if (env && !ENV_NAME.matcher(name.trim()).matches()) {
                error(m.get(envKey).at(), "found '" + name + "', expected an environment variable's name (letters,"
                        + " digits and _)");
                return null;
            }
            return env ? SecretRef.env(name.trim())
                    : SecretRef.file(name.trim(), file.toAbsolutePath().getParent().resolve(name.trim()).normalize());
        }

        List<NotifySpec> notifications(MapNode top) {
            List<NotifySpec> out = new ArrayList<>();
            Node n = top.get("notify");
            if (n == null) return out;
            for (Node item : items(n, "a list of { webhookEnv: VAR, format: slack|json } (or webhookFile)")) {
                if (!(item instanceof MapNode m)) {
                    error(item.at(), "found " + describe(item) + ", expected { webhookEnv: VAR, format: slack|json }");
                    continue;
                }
                Set<String> literalUrl = Set.of("webhook", "url", "webhookUrl");
                Set<String> known = new HashSet<>(NOTIFY_KEYS);
                known.addAll(literalUrl);
                unknownKeys(m, known, "a notify entry");
                for (String k : literalUrl) {
                    if (m.entries().containsKey(k)) {
                        error(m.entries().get(k).keyAt(), "a webhook URL is a secret and is never written in a plan: use"
                                + " webhookEnv (an environment variable) or webhookFile (a file)");
                    }
                }
                SecretRef ref = secretRefIn(m, "webhookEnv", "webhookFile", "a notify entry's webhook URL");
                String f = requiredString(m, "format", "slack or json");
                NotifySpec.Format format = f == null ? null : NotifySpec.Format.fromWord(f.trim());
                if (f != null && format == null) {
                    error(m.get("format").at(), "found '" + f + "', expected slack or json"
                            + Suggest.didYouMean(f.trim(), List.of("slack", "json")));
                }
                if (ref != null && format != null) out.add(new NotifySpec(ref, format, m.at()));
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

    /** A zone as written in 'zones' or 'zone:': absolute whether or not it ends with a dot, no wildcard. */
    static String zoneName(String written) {
        String z = Names.parseWritten(written, ".");
        if (z.startsWith("*.") || z.equals("*.")) {
            throw new IllegalArgumentException("a zone's name has no wildcard");
        }
        return z;
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
