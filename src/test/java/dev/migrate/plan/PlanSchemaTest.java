package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.migrate.provider.Providers;
import dev.migrate.testing.Cli;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema {@code migrate schema} prints, checked by a standard JSON Schema implementation: every example plan
 * passes, a plan the loader refuses for a wrong key or type fails, and its key sets are the loader's.
 */
class PlanSchemaTest {
    static final Path PROJECT = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath().normalize();
    static final Map<String, Set<String>> PROVIDERS = Providers.discover().keysByType();
    static final String SCHEMA_TEXT = Cli.migrate("schema").out();
    static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(SCHEMA_TEXT);
    static final YAMLMapper YAML = new YAMLMapper();

    static Set<ValidationMessage> validate(String yaml) throws Exception {
        return SCHEMA.validate(YAML.readTree(yaml));
    }

    static List<Path> examplePlans() throws Exception {
        try (Stream<Path> s = Files.walk(PROJECT.resolve("plans"))) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void thereAreExamplePlans() throws Exception {
        assertThat(examplePlans()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("examplePlans")
    void everyExamplePlanIsValidAndPointsItsEditorAtTheSchema(Path plan) throws Exception {
        String text = Files.readString(plan);
        assertThat(validate(text)).as(plan.toString()).isEmpty();

        String first = text.lines().findFirst().orElse("");
        assertThat(first).startsWith("# yaml-language-server: $schema=");
        Path schema = plan.getParent().resolve(first.substring(first.indexOf('=') + 1).strip()).normalize();
        assertThat(schema).exists();
        // The test classpath adds a test-only adapter (the sandbox as a plan provider): the checked-in schema is
        // the one for the adapters the release ships.
        Map<String, Set<String>> shipped = new java.util.TreeMap<>(PROVIDERS);
        shipped.remove(dev.migrate.provider.sandbox.SandboxPlanFactory.TYPE);
        assertThat(Files.readString(schema)).as("the checked-in schema is what 'migrate schema' prints; regenerate it with"
                + " 'migrate schema > schema/plan.schema.json'").isEqualTo(PlanSchema.text(shipped));
    }

    @Test
    void theSchemasKeysAreTheLoadersKeys() throws Exception {
        JsonNode s = new ObjectMapper().readTree(SCHEMA_TEXT);
        JsonNode p = s.path("properties");
        assertThat(names(p)).isEqualTo(PlanLoader.TOP_KEYS);
        assertThat(names(p.path("ttl").path("properties"))).isEqualTo(PlanLoader.TTL_KEYS);
        assertThat(names(p.path("changes").path("items").path("properties"))).isEqualTo(PlanLoader.CHANGE_KEYS);
        assertThat(names(p.path("rewrite").path("items").path("properties"))).isEqualTo(PlanLoader.REWRITE_KEYS);
        assertThat(names(p.path("phases").path("items").path("properties"))).isEqualTo(PlanLoader.PHASE_KEYS);
        assertThat(names(p.path("checks").path("items").path("oneOf").get(0).path("properties"))).isEqualTo(PlanLoader.HTTP_KEYS);
        assertThat(names(p.path("checks").path("items").path("oneOf").get(1).path("properties"))).isEqualTo(PlanLoader.TCP_KEYS);
        assertThat(names(p.path("propagation").path("properties"))).isEqualTo(PlanLoader.PROPAGATION_KEYS);
        // one provider block per installed adapter, with exactly its keys
        JsonNode rules = p.path("provider").path("allOf");
        assertThat(rules).hasSize(PROVIDERS.size());
        for (JsonNode rule : rules) {
            String type = rule.path("if").path("properties").path("type").path("const").asText();
            Set<String> keys = new HashSet<>(PROVIDERS.get(type));
            keys.add("type");
            assertThat(names(rule.path("then").path("properties"))).as(type).isEqualTo(keys);
        }
    }

    @Test
    void aLoaderKeyWithoutASchemaEntryStopsTheBuild() {
        Set<String> more = new HashSet<>(PlanLoader.PHASE_KEYS);
        more.add("retries");
        assertThatThrownBy(() -> PlanSchema.build(PROVIDERS, Map.of("a phase", more)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the plan schema and the plan loader disagree on the keys of a phase: no schema for [retries]");
    }

    static final String GOOD = """
            name: web
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones, file: "{zone}.db" }
            zones: [example.com]
            ttl: { lowered: 300, restore: original, margin: 5m }
            changes:
              - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
            rewrite:
              - { from: 203.0.113.25, to: 198.51.100.25 }
            checks:
              - { id: web, http: "https://www.example.com/health", connectTo: 198.51.100.20, expectStatus: 200 }
              - { id: smtp, tcp: "198.51.100.25:25", expectBanner: "220 " }
            phases:
              - { id: lower-ttl, at: T-72h, action: lower-ttl }
              - { id: verify, at: T-24h, action: verify, checks: [web, smtp] }
              - { id: swap, at: T, action: swap, approval: required, preflight: false }
              - { id: confirm, at: T+5m, action: confirm, timeout: 30m, onFailure: halt, unreachable: ignore }
            nameservers: [192.0.2.53, "127.0.0.1:5301"]
            propagation: { interval: 2s, queryTimeout: 2s, tries: 3, rounds: 2, unreachable: fail, via: auto }
            """;

    /** Each breaks the good plan by one wrong key or type: {what, from, to}. */
    static List<String[]> broken() {
        return List.of(
                new String[] {"unknown top key", "zones: [example.com]", "zones: [example.com]\nzone: example.com"},
                new String[] {"unknown phase key", "action: swap,", "action: swap, retries: 3,"},
                new String[] {"unknown ttl key", "margin: 5m", "margin: 5m, lowerd: 60"},
                new String[] {"unknown change key", "type: A,", "type: A, ttl: 60,"},
                new String[] {"unknown http check key", "expectStatus: 200", "expectStatus: 200, expectCode: 200"},
                new String[] {"unknown tcp check key", "expectBanner: \"220 \"", "expectBanner: \"220 \", banner: x"},
                new String[] {"unknown rewrite key", "to: 198.51.100.25 }", "to: 198.51.100.25, ttl: 60 }"},
                new String[] {"unknown propagation key", "via: auto", "via: auto, rounds2: 1"},
                new String[] {"unknown provider key", "directory: zones,", "directory: zones, dir: x,"},
                new String[] {"unknown provider type", "type: zonefile", "type: zonefiles"},
                new String[] {"secret in the plan", "directory: zones,", "directory: zones, password: x,"},
                new String[] {"zones as a block", "zones: [example.com]", "zones: { example.com: 1 }"},
                new String[] {"ttl as a list", "ttl: { lowered: 300, restore: original, margin: 5m }", "ttl: [300]"},
                new String[] {"lowered not a number", "lowered: 300", "lowered: abc"},
                new String[] {"lowered negative", "lowered: 300", "lowered: -1"},
                new String[] {"restore a word", "restore: original", "restore: later"},
                new String[] {"margin not a duration", "margin: 5m", "margin: 5 minutes"},
                new String[] {"phases as text", "phases:\n", "phases: all\nunused:\n"},
                new String[] {"a phase as text", "  - { id: lower-ttl, at: T-72h, action: lower-ttl }", "  - lower-ttl"},
                new String[] {"unknown action", "action: swap,", "action: swop,"},
                new String[] {"offset not an offset", "at: T-72h", "at: in three days"},
                new String[] {"preflight not a boolean", "preflight: false", "preflight: maybe"},
                new String[] {"approval a word", "approval: required", "approval: yes please"},
                new String[] {"onFailure a word", "onFailure: halt", "onFailure: panic"},
                new String[] {"tries too many", "tries: 3", "tries: 11"},
                new String[] {"via a word", "via: auto", "via: carrier-pigeon"},
                new String[] {"a check with http and tcp", "connectTo: 198.51.100.20,", "connectTo: 198.51.100.20, tcp: \"1.2.3.4:1\","},
                new String[] {"a change without to", ", to: [198.51.100.20] }", " }"},
                new String[] {"plan name with capitals", "name: web", "name: Web"},
                new String[] {"no cutover", "cutover: 2026-12-01T02:00:00Z\n", ""},
                new String[] {"cutover not an instant", "cutover: 2026-12-01T02:00:00Z", "cutover: next tuesday"},
                new String[] {"changes item as text", "  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }",
                        "  - www A 198.51.100.20"});
    }

    @Test
    void theGoodPlanPassesBoth() throws Exception {
        assertThat(validate(GOOD)).isEmpty();
        new PlanLoader(PROVIDERS).load(new StringReader(GOOD), Path.of("good.yaml"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCases")
    void aPlanTheLoaderRefusesForAWrongKeyOrTypeTheSchemaRefusesToo(String what, String yaml) throws Exception {
        assertThatThrownBy(() -> new PlanLoader(PROVIDERS).load(new StringReader(yaml), Path.of("bad.yaml")))
                .as(what).isInstanceOf(PlanException.class);
        assertThat(validate(yaml)).as(what + ":\n" + yaml).isNotEmpty();
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> brokenCases() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (String[] b : broken()) {
            assertThat(GOOD).as(b[0]).contains(b[1]);
            out.add(org.junit.jupiter.params.provider.Arguments.of(b[0], GOOD.replaceFirst(java.util.regex.Pattern.quote(b[1]),
                    java.util.regex.Matcher.quoteReplacement(b[2]))));
        }
        return out.stream();
    }

    private static Set<String> names(JsonNode n) {
        Set<String> out = new HashSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
