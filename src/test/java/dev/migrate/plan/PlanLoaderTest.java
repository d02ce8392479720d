package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Loading plans: good ones come out normalised; bad ones name the exact line and column, what was found,
 * what was expected, and the nearest known word for a typo. YAML is written in text blocks so that the
 * line and column in each assertion can be read straight off the block (line 1 is the first line).
 */
class PlanLoaderTest {
    static final Path FILE = Path.of("plans", "test.yaml");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));

    static Plan load(String yaml) throws PlanException {
        return LOADER.load(new StringReader(yaml), FILE);
    }

    static List<PlanError> errors(String yaml) {
        return errors(LOADER, yaml);
    }

    static List<PlanError> errors(PlanLoader loader, String yaml) {
        PlanException e = catchThrowableOfType(PlanException.class, () -> loader.load(new StringReader(yaml), FILE));
        assertThat(e).as("the plan should have been rejected:%n%s", yaml).isNotNull();
        return e.errors();
    }

    /** The plan has exactly one error, at line:column, whose message contains every fragment. */
    static PlanError onlyError(String yaml, int line, int column, String... fragments) {
        return onlyError(LOADER, yaml, line, column, fragments);
    }

    static PlanError onlyError(PlanLoader loader, String yaml, int line, int column, String... fragments) {
        List<PlanError> errs = errors(loader, yaml);
        assertThat(errs).as("errors").hasSize(1);
        return assertError(errs.get(0), line, column, fragments);
    }

    static PlanError assertError(PlanError e, int line, int column, String... fragments) {
        assertThat(e.where().file()).isEqualTo(FILE);
        assertThat(e.where().line()).as("line of: %s", e).isEqualTo(line);
        assertThat(e.where().column()).as("column of: %s", e).isEqualTo(column);
        assertThat(e.message()).contains(fragments);
        assertThat(e.toString()).startsWith(FILE + ":" + line + ":" + column + ": ");
        return e;
    }

    /** A valid plan; tests replace one line of it to make it bad. */
    static final String GOOD = """
            name: web-move
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            changes:
              - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
            """;

    @Nested
    class GoodPlans {
        @Test
        void theShippedExampleLoadsNormalised() throws Exception {
            Path example = Path.of(System.getProperty("migrate.project.dir", "."), "plans", "example.yaml");
            Plan p = LOADER.load(example);

            assertThat(p.name()).isEqualTo("example-web-and-mail");
            assertThat(p.cutover()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
            assertThat(p.provider().type()).isEqualTo("zonefile");
            assertThat(p.provider().settings()).containsExactly(Map.entry("directory", "zones"));
            assertThat(p.baseDir()).isEqualTo(example.toAbsolutePath().getParent());
            assertThat(p.zones()).containsExactly("example.com.");
            assertThat(p.ttl().lowered()).isEqualTo(300);
            assertThat(p.ttl().restore()).isEmpty(); // "original"
            assertThat(p.ttl().margin()).isNull();

            assertThat(p.changes()).extracting(ChangeSpec::zone, ChangeSpec::name, ChangeSpec::type, ChangeSpec::from, ChangeSpec::to)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("example.com.", "example.com.", "A", List.of("203.0.113.10"), List.of("198.51.100.20")),
                            org.assertj.core.groups.Tuple.tuple("example.com.", "www.example.com.", "A", List.of("203.0.113.10"), List.of("198.51.100.20")),
                            // dnsjava's presentation form of an IPv6 address is the uncompressed one
                            org.assertj.core.groups.Tuple.tuple("example.com.", "www.example.com.", "AAAA",
                                    List.of("2001:db8:10::10"), List.of("2001:db8:20::20")),
                            org.assertj.core.groups.Tuple.tuple("example.com.", "example.com.", "TXT", null,
                                    List.of("\"v=spf1 ip4:198.51.100.25 -all\"")));
            assertThat(p.rewrites()).extracting(RewriteRule::type, RewriteRule::from, RewriteRule::to)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("A", "203.0.113.25", "198.51.100.25"));
            assertThat(p.checks()).extracting(CheckSpec::id).containsExactly("web", "smtp");
            assertThat(p.phases()).extracting(PhaseSpec::id, s -> s.at().text(), PhaseSpec::action)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("lower-ttl", "T-72h", Action.LOWER_TTL),
                            org.assertj.core.groups.Tuple.tuple("verify", "T-24h", Action.VERIFY),
                            org.assertj.core.groups.Tuple.tuple("swap", "T", Action.SWAP),
                            org.assertj.core.groups.Tuple.tuple("confirm", "T+5m", Action.CONFIRM),
                            org.assertj.core.groups.Tuple.tuple("restore-ttl", "T+24h", Action.RESTORE_TTL));
            assertThat(p.phase("confirm").orElseThrow().timeout()).isEqualTo(Duration.ofMinutes(30));
            assertThat(p.phase("verify").orElseThrow().checks()).containsExactly("web", "smtp");
        }

        @Test
        void severalZonesWithAbsoluteNamesAndAnExplicitZone() throws Exception {
            Plan p = load("""
                    # two zones: names pick their zone by suffix, or say it with 'zone:'
                    name: two-zones
                    cutover: 2026-12-01T03:00:00+01:00
                    provider: { type: zonefile, directory: zones }
                    zones: [example.com, Example.NET.]
                    ttl: { lowered: 60, restore: 3600, margin: 10m }
                    changes:
                      - { name: WWW.Example.com., type: a, to: [198.51.100.20] }
                      - { zone: example.net, name: "@", type: MX, to: ["10 mail", "20 mx.example.org."] }
                      - { name: shop.example.net., type: CNAME, to: [www.example.com.] }
                      - { name: old.example.net., type: A, to: [] }
                    rewrite:
                      - { from: 203.0.113.25, to: 198.51.100.25 }
                      - { from: "2001:db8::25", to: "2001:db8:1::25" }
                    """);

            assertThat(p.cutover()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
            assertThat(p.zones()).containsExactly("example.com.", "example.net.");
            assertThat(p.ttl().restore()).hasValue(3600);
            assertThat(p.ttl().margin()).isEqualTo(Duration.ofMinutes(10));
            assertThat(p.changes()).extracting(ChangeSpec::zone, ChangeSpec::name, ChangeSpec::type, ChangeSpec::to)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("example.com.", "www.example.com.", "A", List.of("198.51.100.20")),
                            // relative names inside record data are taken against the record's zone
                            org.assertj.core.groups.Tuple.tuple("example.net.", "example.net.", "MX",
                                    List.of("10 mail.example.net.", "20 mx.example.org.")),
                            org.assertj.core.groups.Tuple.tuple("example.net.", "shop.example.net.", "CNAME", List.of("www.example.com.")),
                            org.assertj.core.groups.Tuple.tuple("example.net.", "old.example.net.", "A", List.of()));
            assertThat(p.changes().get(0).at().line()).isEqualTo(8);
            assertThat(p.changes().get(0).at().column()).isEqualTo(5);
            assertThat(p.rewrites()).extracting(RewriteRule::type, RewriteRule::from, RewriteRule::to)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("A", "203.0.113.25", "198.51.100.25"),
                            org.assertj.core.groups.Tuple.tuple("AAAA", "2001:db8::25", "2001:db8:1::25"));
        }

        @Test
        void absentPhasesGiveTheStandardTimelineAndMarginDefaultsToMax5mOr10Percent() throws Exception {
            Plan p = load(GOOD);

            assertThat(p.phases()).extracting(PhaseSpec::id, s -> s.at().fromCutover(), PhaseSpec::action)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("lower-ttl", Duration.ofHours(-72), Action.LOWER_TTL),
                            org.assertj.core.groups.Tuple.tuple("verify", Duration.ofHours(-24), Action.VERIFY),
                            org.assertj.core.groups.Tuple.tuple("swap", Duration.ZERO, Action.SWAP),
                            org.assertj.core.groups.Tuple.tuple("confirm", Duration.ofMinutes(5), Action.CONFIRM),
                            org.assertj.core.groups.Tuple.tuple("restore-ttl", Duration.ofHours(24), Action.RESTORE_TTL));
            assertThat(p.phase("confirm").orElseThrow().timeout()).isEqualTo(Duration.ofMinutes(30));
            assertThat(p.ttl().margin()).isNull();
            assertThat(p.ttl().restore()).isEmpty();
            assertThat(p.ttl().marginFor(86400)).isEqualTo(Duration.ofSeconds(8640));
            assertThat(p.ttl().marginFor(3600)).isEqualTo(Duration.ofSeconds(360));
            assertThat(p.ttl().marginFor(3000)).isEqualTo(Duration.ofMinutes(5));
            assertThat(p.ttl().marginFor(0)).isEqualTo(Duration.ofMinutes(5));
            assertThat(p.propagation()).isEqualTo(Propagation.defaults());
            assertThat(p.rewrites()).isEmpty();
            assertThat(p.checks()).isEmpty();
        }

        @Test
        void aGivenMarginWinsOverTheDefault() throws Exception {
            Plan p = load(GOOD.replace("ttl: { lowered: 300 }", "ttl: { lowered: 300, margin: 1h30m }"));
            assertThat(p.ttl().marginFor(86400)).isEqualTo(Duration.ofMinutes(90));
        }

        @Test
        void ttlBoundsAreInclusive() throws Exception {
            assertThat(load(GOOD.replace("lowered: 300", "lowered: 0")).ttl().lowered()).isZero();
            assertThat(load(GOOD.replace("lowered: 300", "lowered: 300, restore: 2147483647")).ttl().restore())
                    .hasValue(2147483647L);
        }
    }

    @Nested
    class BadPlans {
        @Test
        void malformedYaml() {
            PlanError e = onlyError("""
                    name: web-move
                    cutover: 2026-12-01T02:00:00Z
                      provider: zonefile
                    """, 3, 11, "malformed YAML", "mapping values are not allowed here");
            assertThat(e.message()).doesNotContain("Exception");
        }

        @Test
        void unclosedFlowList() {
            PlanError e = onlyError("""
                    name: web-move
                    zones: [example.com
                    ttl: { lowered: 300 }
                    """, 3, 4, "malformed YAML", "expected ',' or ']', but got :",
                    "while parsing a flow sequence that starts at line 2, column 8");
            assertThat(e.message()).doesNotContain("reader");
        }

        @Test
        void aTabUsedForIndentationIsPointedAt() {
            onlyError("name: web-move\nprovider:\n\ttype: zonefile\n", 3, 1, "malformed YAML",
                    "found character '\\t(TAB)' that cannot start any token");
        }

        @Test
        void anUnterminatedQuote() {
            onlyError("""
                    name: web-move
                    cutover: "2026-12-01T02:00:00Z
                    zones: [example.com]
                    """, 4, 1, "malformed YAML", "found unexpected end of stream",
                    "while scanning a quoted scalar that starts at line 2, column 10");
        }

        @Test
        void emptyFile() {
            onlyError("", 1, 1, "the plan file is empty");
        }

        @Test
        void aListAtTheTop() {
            onlyError("""
                    - name: web-move
                    """, 1, 1, "found a list", "expected a mapping with name, cutover");
        }

        @Test
        void aKeyGivenTwice() {
            onlyError(GOOD + "name: again\n", 8, 1, "'name' is given twice", "first at line 1");
        }

        @Test
        void missingCutover() {
            onlyError(GOOD.replace("cutover: 2026-12-01T02:00:00Z\n", ""), 1, 1,
                    "missing 'cutover'", "ISO-8601 with an offset", "2026-12-01T02:00:00Z");
        }

        @Test
        void cutoverWithoutAnOffset() {
            onlyError(GOOD.replace("2026-12-01T02:00:00Z", "2026-12-01T02:00:00"), 2, 10,
                    "found '2026-12-01T02:00:00' without an offset", "2026-12-01T02:00:00Z (UTC)", "+01:00");
        }

        @Test
        void cutoverThatIsNoInstant() {
            onlyError(GOOD.replace("2026-12-01T02:00:00Z", "next tuesday"), 2, 10,
                    "found 'next tuesday'", "expected an ISO-8601 instant with an offset");
        }

        @Test
        void anARecordWhoseToIsNotIpv4() {
            // column 54 is the opening quote of "2001:db8::20"
            onlyError(GOOD.replace("to: [198.51.100.20]", "to: [\"2001:db8::20\"]"), 7, 54,
                    "found '2001:db8::20'", "expected an IPv4 address such as 198.51.100.20");
        }

        @Test
        void anARecordWhoseToIsAHostName() {
            onlyError(GOOD.replace("to: [198.51.100.20]", "to: [198.51.100]"), 7, 54,
                    "found '198.51.100'", "expected an IPv4 address");
        }

        @Test
        void aFromThatIsNotIpv4() {
            onlyError(GOOD.replace("from: [203.0.113.10]", "from: [www.example.net.]"), 7, 34,
                    "found 'www.example.net.'", "expected an IPv4 address");
        }

        @Test
        void ttlAboveTheRfc2181Maximum() {
            onlyError(GOOD.replace("lowered: 300", "lowered: 2147483648"), 5, 17,
                    "found TTL 2147483648", "expected 0..2147483647 seconds");
        }

        @Test
        void negativeTtl() {
            onlyError(GOOD.replace("lowered: 300", "lowered: -1"), 5, 17, "found TTL -1", "expected 0..2147483647");
        }

        @Test
        void restoreTtlOutOfRange() {
            onlyError(GOOD.replace("lowered: 300", "lowered: 300, restore: 99999999999"), 5, 31,
                    "found TTL 99999999999", "expected 0..2147483647");
        }

        @Test
        void ttlThatIsNotANumber() {
            onlyError(GOOD.replace("lowered: 300", "lowered: 5m"), 5, 17, "found '5m'", "TTL in whole seconds");
        }

        @Test
        void aCnameBesideOtherData() {
            List<PlanError> errs = errors("""
                    name: web-move
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones }
                    zones: [example.com]
                    ttl: { lowered: 300 }
                    changes:
                      - { name: shop, type: TXT, to: ['"hello"'] }
                      - { name: shop, type: CNAME, to: [www] }
                    """);
            assertThat(errs).hasSize(1);
            assertError(errs.get(0), 8, 5, "a CNAME cannot stand beside other data", "RFC 1034",
                    "shop.example.com. [TXT]");
        }

        @Test
        void aCnameWithTwoTargets() {
            onlyError(GOOD.replace("{ name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }",
                            "{ name: shop, type: CNAME, to: [a, b] }"), 7, 36,
                    "a CNAME RRset holds exactly one record", "found 2");
        }

        @Test
        void duplicatePhaseIds() {
            List<PlanError> errs = errors(GOOD + """
                    phases:
                      - { id: lower, at: T-72h, action: lower-ttl }
                      - { id: swap,  at: T,     action: swap }
                      - { id: swap,  at: T+5m,  action: confirm }
                    """);
            assertThat(errs).hasSize(1);
            assertError(errs.get(0), 11, 11, "duplicate phase id 'swap'", "first used at line 10");
        }

        @Test
        void anEmptyPhaseListIsAnErrorNotAnEmptyTimeline() {
            onlyError(GOOD + """
                    phases: []
                    """, 8, 9, "found no phases", "leave 'phases' out for the standard timeline");
        }

        @Test
        void unknownActionWithSuggestion() {
            onlyError(GOOD + """
                    phases:
                      - { id: swap, at: T, action: swop }
                    """, 9, 32, "unknown action 'swop'", "expected one of [lower-ttl, verify, swap, confirm, restore-ttl, run, copy-zone, compare,"
                        + " delegate, await-delegation, release-old]",
                    "(did you mean 'swap'?)");
        }

        @Test
        void unknownActionFarFromAnyGivesNoSuggestion() {
            PlanError e = onlyError(GOOD + """
                    phases:
                      - { id: swap, at: T, action: teleport }
                    """, 9, 32, "unknown action 'teleport'");
            assertThat(e.message()).doesNotContain("did you mean");
        }

        @Test
        void malformedOffset() {
            onlyError(GOOD + """
                    phases:
                      - { id: swap, at: T+5x, action: swap }
                    """, 9, 21, "found 'T+5x'", "expected an offset from the cutover: T, T+90s, T-1h30m, T+2d");
        }

        @Test
        void anOffsetSoLargeItOverflowsIsAnErrorNotACrash() {
            onlyError(GOOD + """
                    phases:
                      - { id: swap, at: T+106751991167301d, action: swap }
                    """, 9, 21, "found 'T+106751991167301d'", "expected an offset from the cutover", "at most 36500 days from T");
        }

        @Test
        void anOffsetBeyondTheLastInstantIsAnErrorNotACrash() {
            onlyError(GOOD + """
                    phases:
                      - { id: swap, at: T+9999999999999d, action: swap }
                    """, 9, 21, "found 'T+9999999999999d'", "expected an offset from the cutover", "at most 36500 days from T");
        }

        @Test
        void aMarginSoLargeItOverflowsIsAnErrorNotACrash() {
            onlyError(GOOD.replace("lowered: 300", "lowered: 300, margin: 106751991167301d"), 5, 30,
                    "found '106751991167301d'", "expected a duration", "at most 36500 days");
        }

        @Test
        void aMarginBeyondTheLastInstantIsAnErrorNotACrash() {
            onlyError(GOOD.replace("lowered: 300", "lowered: 300, margin: 99999999999d"), 5, 30,
                    "found '99999999999d'", "expected a duration", "at most 36500 days");
        }

        @Test
        void aZoneNotInZones() {
            onlyError(GOOD.replace("{ name: www,", "{ zone: exmaple.com, name: www,"), 7, 13,
                    "zone 'exmaple.com' is not in 'zones' [example.com]", "(did you mean 'example.com'?)");
        }

        @Test
        void aNameOutsideItsZone() {
            onlyError(GOOD.replace("name: www,", "name: www.example.org.,"), 7, 13,
                    "name 'www.example.org.' is outside its zone example.com.", "relative to the zone");
        }

        @Test
        void anAbsoluteNameInNoneOfSeveralZones() {
            onlyError(GOOD.replace("zones: [example.com]", "zones: [example.com, example.net]")
                            .replace("name: www,", "name: www.example.org.,"), 7, 13,
                    "name 'www.example.org.' is in none of the plan's zones [example.com., example.net.]");
        }

        @Test
        void aRelativeNameWithSeveralZonesMustSayWhichZone() {
            onlyError(GOOD.replace("zones: [example.com]", "zones: [example.com, example.net]"), 7, 5,
                    "this plan has several zones", "'zone:'");
        }

        @Test
        void unknownTopLevelKeyWithSuggestion() {
            List<PlanError> errs = errors(GOOD.replace("cutover:", "cutovr:"));
            assertThat(errs).hasSize(2);
            assertError(errs.get(0), 2, 1, "unknown key 'cutovr' in the plan", "expected one of [changes, checks, cutover,",
                    "(did you mean 'cutover'?)");
            assertError(errs.get(1), 1, 1, "missing 'cutover'");
        }

        @Test
        void unknownKeyInAChangeWithSuggestion() {
            onlyError(GOOD.replace("to: [198.51.100.20]", "to: [198.51.100.20], tll: 60"), 7, 70,
                    "unknown key 'tll' in a change", "expected one of [from, name, to, type, zone]");
        }

        @Test
        void unknownProviderKeyWithSuggestion() {
            onlyError(GOOD.replace("directory: zones", "directroy: zones"), 3, 29,
                    "unknown key 'directroy' in provider zonefile", "(did you mean 'directory'?)");
        }

        @Test
        void unknownProviderType() {
            onlyError(GOOD.replace("type: zonefile", "type: zonfile"), 3, 19,
                    "unknown provider type 'zonfile'", "expected one of [zonefile]", "(did you mean 'zonefile'?)");
        }

        @Test
        void aLiteralSecretInTheProviderIsRefusedWithoutEchoingIt() {
            List<PlanError> errs = errors("""
                    name: web-move
                    cutover: 2026-12-01T02:00:00Z
                    provider:
                      type: zonefile
                      directory: zones
                      password: hunter2-very-secret
                    zones: [example.com]
                    ttl: { lowered: 300 }
                    """);
            assertThat(errs).anySatisfy(e -> assertError(e, 6, 3, "secrets are never written in a plan",
                    "passwordEnv", "passwordFile"));
            assertThat(errs).allSatisfy(e -> assertThat(e.toString()).doesNotContain("hunter2"));
        }

        @Test
        void aLiteralApiTokenIsRefusedToo() {
            List<PlanError> errs = errors(GOOD.replace("directory: zones", "directory: zones, apiToken: abcdef123456"));
            assertThat(errs).anySatisfy(e -> assertError(e, 3, 47, "secrets are never written in a plan", "apiTokenEnv"));
            assertThat(errs).allSatisfy(e -> assertThat(e.toString()).doesNotContain("abcdef123456"));
        }

        @Test
        void everyErrorIsReportedNotJustTheFirst() {
            List<PlanError> errs = errors("""
                    name: Web_Move
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones }
                    zones: [example.com]
                    ttl: { lowered: 300 }
                    changes:
                      - { name: www, type: A, to: [1.2.3.999] }
                    phases:
                      - { id: swap, at: T+1w, action: swap }
                    """);
            assertThat(errs).extracting(e -> e.where().line() + ":" + e.where().column())
                    .containsExactly("1:7", "7:32", "9:21");
        }
    }
}
