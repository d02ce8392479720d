package dev.migrate.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON Schema (draft-07, what YAML editors understand) of plan files, for completion and red squiggles
 * in an editor; {@link PlanLoader} stays the judge. Built from the loader's own key sets: a key the loader
 * accepts without a line here makes {@link #build} fail (and the tests with it), so the schema cannot fall
 * behind the loader. Provider blocks are described per type from the installed adapters' {@code keys()}.
 *
 * <p>Scalars are as lenient as the loader, which reads every scalar as text: a number may be written
 * {@code 300} or {@code "300"}, a boolean {@code true} or {@code "true"}; a list of scalars may be one scalar.
 */
public final class PlanSchema {
    /** Key sets standing in for the loader's, by block name: only for the test that proves a mismatch stops the build. */
    private final Map<String, Set<String>> loaderKeys;

    private PlanSchema(Map<String, Set<String>> loaderKeys) {
        this.loaderKeys = loaderKeys;
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final String DURATION = "^\\s*(\\d+|(\\d+[smhd])+)\\s*$";

    /** The schema for plans whose providers accept these keys (type to keys, as {@link PlanLoader} takes them). */
    public static ObjectNode build(Map<String, Set<String>> providerKeysByType) {
        return build(providerKeysByType, Map.of());
    }

    static ObjectNode build(Map<String, Set<String>> providerKeysByType, Map<String, Set<String>> loaderKeysInstead) {
        return new PlanSchema(loaderKeysInstead).root(providerKeysByType);
    }

    private ObjectNode root(Map<String, Set<String>> providerKeysByType) {
        ObjectNode root = F.objectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("title", "migrate plan");
        root.put("description", "A DNS cutover plan for migrate: see 'migrate --help' and the README (The plan file).");
        root.put("type", "object");
        root.set("required", strings("name", "cutover", "provider", "zones", "ttl"));
        Map<String, JsonNode> top = new LinkedHashMap<>();
        top.put("name", described("Names the migration and its state directory.").put("type", "string")
                .put("pattern", "^[a-z0-9][a-z0-9-]*$"));
        top.put("cutover", described("The cutover instant T, ISO-8601 with an offset, e.g. 2026-12-01T02:00:00Z.")
                .put("type", "string")
                .put("pattern", "^\\s*\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})\\s*$"));
        top.put("provider", provider(providerKeysByType));
        top.put("zones", scalarList("The zones this plan touches, e.g. [example.com].", described("A zone name.").put("type", "string"))
                .put("minItems", 1));
        top.put("ttl", block("ttl", PlanLoader.TTL_KEYS, Map.of(
                "lowered", ttl("TTL (seconds) the affected RRsets carry from lower-ttl until restore-ttl."),
                "restore", anyOf("'original' (default) or a TTL in seconds.",
                        described(null).set("enum", strings("original")), ttl(null)),
                "margin", duration("Extra wait before the swap; default max(5m, 10% of the largest original TTL).")),
                "lowered"));
        top.put("changes", changes("Explicit RRset moves."));
        top.put("rewrite", rewrites("Every A/AAAA record whose address is 'from' moves to 'to'."));
        top.put("checks", list("Service checks run by verify and before the swap.", checks()));
        top.put("phases", list("The timeline; when absent, the standard one (lower-ttl T-72h, verify T-24h, swap T,"
                + " confirm T+5m, restore-ttl T+24h).", phase()).put("minItems", 1));
        top.put("state", described("Where the journal and lock live: file (the default: .migrate/ beside the plan) or"
                + " postgresql://HOST[:PORT]/DATABASE?user=NAME (password from passwordFile=, PGPASSWORD or ~/.pgpass).")
                .put("type", "string").put("pattern", "^\\s*(file:?|file:.*|postgres(ql)?://.*)\\s*$"));
        top.put("notify", list("Webhooks told what happens (phase done, failed, blocked, forced, rollbacks, the swap in 1h).",
                block("a notify entry", PlanLoader.NOTIFY_KEYS, Map.of(
                        "webhookEnv", described("An environment variable holding the webhook URL (a secret).").put("type", "string"),
                        "webhookFile", described("A file holding the webhook URL, relative to the plan.").put("type", "string"),
                        "format", oneOf("slack or json.", "slack", "json")),
                        "format")));
        top.put("move", move(providerKeysByType));
        top.put("nameservers", scalarList("Authoritative addresses to poll (IP[:port]).", address()));
        top.put("resolvers", anyOf("Recursive resolvers to report on (IP[:port]), or { addresses, gate: true } to make"
                        + " confirm wait until their clients see the new data.",
                scalarList(null, address()),
                block("resolvers", PlanLoader.RESOLVER_KEYS, Map.of(
                        "addresses", scalarList("The resolvers (IP[:port]).", address()),
                        "gate", bool("Confirm waits until every resolver's clients see the new data (default false).")),
                        "addresses")));
        top.put("propagation", block("propagation", PlanLoader.PROPAGATION_KEYS, Map.of(
                "unreachable", oneOf("fail (default) or ignore.", "fail", "ignore"),
                "interval", duration("Time between polling rounds (default 2s)."),
                "queryTimeout", duration("Timeout of one query (default 2s)."),
                "tries", integer("Tries per query, 1-10.", 1, 10),
                "rounds", integer("Consecutive matching rounds that mean done, 1-10.", 1, 10),
                "via", oneOf("auto, nameservers or provider.", "auto", "nameservers", "provider"))));
        root.set("properties", properties("the plan", PlanLoader.TOP_KEYS, top));
        root.put("additionalProperties", false);
        return root;
    }

    private ObjectNode changes(String description) {
        return list(description, block("a change", PlanLoader.CHANGE_KEYS, Map.of(
                "zone", described("One of the plan's zones; may be left out when there is one.").put("type", "string"),
                "name", described("Relative to the zone, @ for the apex, or absolute ending with a dot.").put("type", "string"),
                "type", described("A record type such as A, AAAA, MX, CNAME, TXT.").put("type", "string"),
                "from", scalarList("The records expected now (zone-file form).", scalar()),
                "to", scalarList("The records after the swap (zone-file form); [] deletes the RRset.", scalar())),
                "name", "type", "to"));
    }

    private ObjectNode rewrites(String description) {
        return list(description, block("a rewrite rule", PlanLoader.REWRITE_KEYS, Map.of(
                "from", described("The old IPv4 or IPv6 address.").put("type", "string"),
                "to", described("The new address, of the same family.").put("type", "string"),
                "spf", bool("Also move ip4:/ip6: mechanisms naming 'from' in SPF TXT records (default false).")),
                "from", "to"));
    }

    /** {@code move:} a provider move: the new provider (a provider block), the new NS set, where to check. */
    private ObjectNode move(Map<String, Set<String>> providerKeysByType) {
        return block("move", PlanLoader.MOVE_KEYS, Map.of(
                "to", provider(providerKeysByType).put("description", "The new provider: a provider block, as provider: is."),
                "nameservers", scalarList("The new NS set, host names ending with a dot.", described(null).put("type", "string")),
                "servers", scalarList("The new servers' addresses (IP[:port]) to compare on, when not port 53.", address()),
                "parent", anyOf("auto (find the parent zone's servers) or a list of parent server addresses (IP[:port]).",
                        described(null).set("enum", strings("auto")), scalarList(null, address())),
                "dnssec", oneOf("How a DS at the parent is handled: remove-ds-first or same-keys.", "remove-ds-first", "same-keys")),
                "to", "nameservers");
    }

    /** The schema as the text {@code migrate schema} prints. */
    public static String text(Map<String, Set<String>> providerKeysByType) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(build(providerKeysByType)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode provider(Map<String, Set<String>> keysByType) {
        ObjectNode p = described("Which adapter, and its own keys (see 'migrate providers').").put("type", "object");
        p.set("required", strings("type"));
        ObjectNode props = p.putObject("properties");
        ObjectNode type = props.putObject("type");
        type.put("description", "The adapter: one of " + new TreeSet<>(keysByType.keySet()) + ".");
        type.set("enum", strings(new TreeSet<>(keysByType.keySet()).toArray(String[]::new)));
        ArrayNode all = p.putArray("allOf");
        for (Map.Entry<String, Set<String>> e : new TreeMap<>(keysByType).entrySet()) {
            ObjectNode rule = all.addObject();
            rule.putObject("if").putObject("properties").putObject("type").put("const", e.getKey());
            ObjectNode then = rule.putObject("then");
            ObjectNode keys = then.putObject("properties");
            keys.putObject("type");
            for (String k : new TreeSet<>(e.getValue())) keys.set(k, providerKey(k));
            then.put("additionalProperties", false);
        }
        return p;
    }

    /** Adapters say which keys they take, not their types; secrets are always named, never given. */
    private static JsonNode providerKey(String key) {
        if (key.endsWith("Env")) return described("The name of an environment variable holding the secret.").put("type", "string");
        if (key.endsWith("File")) return described("A file holding the secret (relative to the plan).").put("type", "string");
        return F.objectNode();
    }

    private ObjectNode checks() {
        ObjectNode forEachZone = bool("Expand this check once per zone of the plan, {zone} replaced in its values"
                + " (ids become ID@ZONE).");
        Map<String, JsonNode> http = new LinkedHashMap<>();
        http.put("id", described("The check's id, for phases' checks: lists.").put("type", "string"));
        http.put("http", described("An http:// or https:// URL.").put("type", "string").put("pattern", "^\\s*https?://"));
        http.put("connectTo", described("The IP address to send the request to (the new server).").put("type", "string"));
        http.put("expectStatus", integer("Expected HTTP status (default 200).", 100, 599));
        http.put("expectBody", described("Text the body must contain.").put("type", "string"));
        http.put("caFile", described("CA certificates (PEM) to trust, relative to the plan.").put("type", "string"));
        http.put("minCertDays", integer("Fewest days the certificate must still be valid.", 0, 36500));
        http.put("followRedirects", bool("Follow redirects (default false)."));
        http.put("timeout", duration("How long the check may take (default 10s)."));
        http.put("forEachZone", forEachZone);
        Map<String, JsonNode> tcp = new LinkedHashMap<>();
        tcp.put("id", described("The check's id, for phases' checks: lists.").put("type", "string"));
        tcp.put("tcp", described("IP:port to connect to, e.g. 198.51.100.25:25.").put("type", "string"));
        tcp.put("expectBanner", described("Text the first line must start with.").put("type", "string"));
        tcp.put("expect", oneOf("open (default) or refused.", "open", "refused"));
        tcp.put("timeout", duration("How long the check may take (default 10s)."));
        tcp.put("forEachZone", forEachZone);
        Map<String, JsonNode> dns = new LinkedHashMap<>();
        dns.put("id", described("The check's id, for phases' checks: lists.").put("type", "string"));
        dns.put("dns", described("IP[:port] of a server to ask with recursion desired.").put("type", "string"));
        dns.put("name", described("The name to ask for.").put("type", "string"));
        dns.put("type", described("The record type (default A).").put("type", "string"));
        dns.put("expect", scalarList("The records the answer must hold (zone-file form).", scalar()));
        dns.put("timeout", duration("How long the check may take (default 10s)."));
        dns.put("forEachZone", forEachZone);
        Map<String, JsonNode> smtp = new LinkedHashMap<>();
        smtp.put("id", described("The check's id, for phases' checks: lists.").put("type", "string"));
        smtp.put("smtp", described("IP[:port] of the mail host (port 25 by default).").put("type", "string"));
        smtp.put("helo", described("The name to say in EHLO.").put("type", "string"));
        smtp.put("starttls", bool("Ask for STARTTLS and check the certificate (default false)."));
        smtp.put("tlsName", described("The name the certificate must hold.").put("type", "string"));
        smtp.put("caFile", described("CA certificates (PEM) to trust, relative to the plan.").put("type", "string"));
        smtp.put("minCertDays", integer("Fewest days the certificate must still be valid.", 0, 36500));
        smtp.put("mailFrom", described("MAIL FROM address to try (no DATA is ever sent).").put("type", "string"));
        smtp.put("rcptTo", described("RCPT TO address to try.").put("type", "string"));
        smtp.put("expect", oneOf("accept (a 2xx: the new host) or defer (a 4xx or refused: the hold host).", "accept", "defer"));
        smtp.put("timeout", duration("How long the check may take (default 10s)."));
        smtp.put("forEachZone", forEachZone);
        ObjectNode c = described("{ id, http: URL, ... }, { id, tcp: IP:PORT, ... }, { id, dns: IP, name, expect }"
                + " or { id, smtp: IP, ... }");
        c.putArray("oneOf").add(block("an http check", PlanLoader.HTTP_KEYS, http, "id", "http"))
                .add(block("a tcp check", PlanLoader.TCP_KEYS, tcp, "id", "tcp"))
                .add(block("a dns check", PlanLoader.DNS_KEYS, dns, "id", "dns", "name"))
                .add(block("an smtp check", PlanLoader.SMTP_KEYS, smtp, "id", "smtp"));
        return c;
    }

    private ObjectNode phase() {
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        keys.put("id", described("The phase's id (letters, digits, - . _).").put("type", "string")
                .put("pattern", "^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
        keys.put("at", described("When: an offset from the cutover (T, T+90s, T-1h30m, T+2d) or from another phase's"
                + " actual finish (hold-live+10m, hold-live+ttl: ttl is the lowered TTL).").put("type", "string")
                .put("pattern", "^\\s*[A-Za-z0-9][A-Za-z0-9_.-]*?([+-](\\d*ttl|(\\d+[smhd])+))*\\s*$"));
        keys.put("action", oneOf("What the phase does.", Action.words().toArray(String[]::new)));
        keys.put("timeout", duration("How long lower-ttl and confirm wait for every server (default 30m)."));
        keys.put("approval", oneOf("required: the phase waits for 'migrate approve'.", "required", "none"));
        keys.put("onFailure", oneOf("confirm: rollback (default) or halt.", "rollback", "halt"));
        keys.put("checks", scalarList("verify: the ids of the checks to run (default all).", described(null).put("type", "string")));
        keys.put("preflight", bool("swap: re-run the checks just before writing (default true)."));
        keys.put("unreachable", oneOf("fail or ignore unreachable addresses.", "fail", "ignore"));
        keys.put("changes", changes("swap: this step's own RRset moves (else the plan's)."));
        keys.put("rewrite", rewrites("swap: this step's own rewrite rules (else the plan's)."));
        keys.put("zones", anyOf("swap: the zones this step (wave) covers, or rest (the zones no earlier swap named).",
                described(null).set("enum", strings("rest")),
                scalarList(null, described("A zone name.").put("type", "string"))));
        keys.put("swap", described("confirm: the swap phase it confirms (default: the last swap before it).").put("type", "string"));
        keys.put("command", anyOf("run: the command, a list of arguments (no shell); with shell: true, one string for /bin/sh -c.",
                scalarList(null, described(null).put("type", "string")), described(null).put("type", "string")));
        keys.put("shell", bool("run: give command to /bin/sh -c (default false)."));
        ObjectNode envValue = anyOf("A value, { fromEnv: VAR } or { fromFile: PATH } (a secret, passed only to this command).",
                described(null).put("type", "string"), described(null).put("type", "number"),
                block("an env secret", java.util.Set.of("fromEnv", "fromFile"), Map.of(
                        "fromEnv", described("An environment variable holding the value.").put("type", "string"),
                        "fromFile", described("A file holding the value, relative to the plan.").put("type", "string"))));
        ObjectNode env = described("run: environment variables the command gets besides MIGRATE_*.").put("type", "object");
        env.set("additionalProperties", envValue);
        keys.put("env", env);
        return block("a phase", PlanLoader.PHASE_KEYS, keys, "id", "at", "action");
    }

    // ---- building blocks ----

    /** A block of known keys: every key the loader knows must be described, and no other. */
    private ObjectNode block(String where, Set<String> loaderKeys, Map<String, ? extends JsonNode> described,
            String... required) {
        ObjectNode b = F.objectNode().put("type", "object");
        if (required.length > 0) b.set("required", strings(required));
        b.set("properties", properties(where, loaderKeys, described));
        b.put("additionalProperties", false);
        return b;
    }

    private ObjectNode properties(String where, Set<String> keys, Map<String, ? extends JsonNode> described) {
        Set<String> loaderKeys = this.loaderKeys.getOrDefault(where, keys);
        Set<String> missing = new TreeSet<>(loaderKeys);
        missing.removeAll(described.keySet());
        Set<String> extra = new TreeSet<>(described.keySet());
        extra.removeAll(loaderKeys);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalStateException("the plan schema and the plan loader disagree on the keys of " + where
                    + (missing.isEmpty() ? "" : ": no schema for " + missing)
                    + (extra.isEmpty() ? "" : ": the loader does not accept " + extra) + " (see PlanSchema)");
        }
        ObjectNode props = F.objectNode();
        for (String k : loaderKeys.stream().sorted().toList()) props.set(k, described.get(k));
        return props;
    }

    private static ObjectNode described(String description) {
        ObjectNode o = F.objectNode();
        if (description != null) o.put("description", description);
        return o;
    }

    private static ObjectNode scalar() {
        return F.objectNode().set("type", strings("string", "number", "boolean"));
    }

    private static ObjectNode list(String description, JsonNode item) {
        ObjectNode o = described(description).put("type", "array");
        o.set("items", item);
        return o;
    }

    /** A list of scalars, or one scalar standing for a list of one (as the loader reads it). */
    private static ObjectNode scalarList(String description, ObjectNode item) {
        ObjectNode arr = F.objectNode().put("type", "array");
        arr.set("items", item);
        return anyOf(description, arr, item.deepCopy());
    }

    private static ObjectNode anyOf(String description, ObjectNode... alternatives) {
        ObjectNode o = described(description);
        ArrayNode a = o.putArray("anyOf");
        for (ObjectNode alt : alternatives) a.add(alt);
        return o;
    }

    private static ObjectNode oneOf(String description, String... words) {
        return described(description).set("enum", strings(words));
    }

    private static ObjectNode ttl(String description) {
        return number(description, 0, 2147483647L);
    }

    private static ObjectNode integer(String description, long min, long max) {
        return number(description, min, max);
    }

    /** A whole number, written as a YAML number or as digits in a string. */
    private static ObjectNode number(String description, long min, long max) {
        ObjectNode o = described(description);
        o.set("type", strings("integer", "string"));
        o.put("minimum", min).put("maximum", max).put("pattern", "^\\s*\\d+\\s*$");
        return o;
    }

    private static ObjectNode duration(String description) {
        ObjectNode o = described(description + " A duration: 90s, 5m, 1h30m, 2d, or seconds.");
        o.set("type", strings("string", "integer"));
        o.put("minimum", 0).put("pattern", DURATION);
        return o;
    }

    private static ObjectNode bool(String description) {
        return described(description).set("enum", F.arrayNode().add(true).add(false).add("true").add("false"));
    }

    private static ObjectNode address() {
        return described("An IP address with an optional port: 192.0.2.53, 127.0.0.1:5301, [2001:db8::53]:53.")
                .put("type", "string");
    }

    private static ArrayNode strings(String... values) {
        ArrayNode a = F.arrayNode();
        for (String v : values) a.add(v);
        return a;
    }
}
