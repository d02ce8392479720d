package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import dev.migrate.testing.Cli;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names in a plan that are not names: each is refused when the plan loads, at the file:line:column of the
 * name, saying what is wrong, and without echoing a control character into the message. What a zone file
 * would read as syntax (a newline, a space, {@code ;}, {@code (}, a quote, a backslash, {@code $} at the
 * start of a line) never gets as far as a zone. Internationalised names become punycode.
 */
class HostileNamesTest {
    static final Path FILE = Path.of("plans", "hostile.yaml");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));

    /** A name as a YAML double-quoted scalar (every character written as an escape where it must be). */
    static String yamlQuoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c >= 0x7f) b.append(String.format("\\u%04X", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    /** Every name that must be refused, with a fragment its error must hold. */
    static Stream<Object[]> hostileNames() {
        List<Object[]> out = new ArrayList<>();
        out.add(new Object[] {"@ 60 IN NS attacker.example.\nx", "'@'"});
        out.add(new Object[] {"www\n@ 60 IN NS attacker.example.", "control character"});
        out.add(new Object[] {"$INCLUDE /etc/passwd", "'$'"});
        out.add(new Object[] {"$ORIGIN", "'$'"});
        for (char c = 0; c < 0x20; c++) out.add(new Object[] {"a" + c + "b", "control character"});
        out.add(new Object[] {"a\u007fb", "control character"});
        for (char c = 0x80; c < 0xa0; c++) out.add(new Object[] {"a" + c + "b", "control character"});
        for (char c : " ;()\"\\$@'`,!#%&+=<>?[]{}|~^:".toCharArray()) {
            out.add(new Object[] {"a" + c + "b", "cannot be in a domain name"});
        }
        for (String invisible : List.of("\u00a0", "\u2028", "\u2029", "\u200b", "\u202e", "\ufeff", "\u3000", "\u2066")) {
            out.add(new Object[] {"a" + invisible + "b", "U+"});
        }
        out.add(new Object[] {"a..b", "empty label"});
        out.add(new Object[] {".a", "empty label"});
        out.add(new Object[] {"..", "empty label"});
        out.add(new Object[] {"x".repeat(64), "at most 63"});
        out.add(new Object[] {("y".repeat(63) + ".").repeat(4), "at most 253"});
        out.add(new Object[] {"a*", "wildcard"});
        out.add(new Object[] {"*a", "wildcard"});
        out.add(new Object[] {"a.*", "wildcard"});
        out.add(new Object[] {"**", "wildcard"});
        out.add(new Object[] {"faß", "xn--"});
        out.add(new Object[] {"\u03c2igma", "xn--"});
        out.add(new Object[] {"a\u200dz\u00e9", "U+200D"});
        out.add(new Object[] {"\u05d0a", "xn--"}); // RFC 3454 §6: right-to-left and left-to-right letters in one label
        return out.stream();
    }

    static PlanError onlyErrorFor(String yaml) {
        PlanException e = catchThrowableOfType(PlanException.class, () -> LOADER.load(new StringReader(yaml), FILE));
        assertThat(e).as("the plan should have been refused:%n%s", yaml).isNotNull();
        assertThat(e.errors()).as("errors of:%n%s", yaml).hasSize(1);
        return e.errors().get(0);
    }

    static void assertSafeMessage(PlanError e) {
        // The message is one line of visible text whatever the name held.
        assertThat(e.toString()).doesNotContainPattern("[\\x00-\\x1f\\x7f\\x80-\\x9f\\u2028\\u2029\\u202e]");
    }

    static final String HEAD = """
            name: hostile
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            changes:
            """;

    @ParameterizedTest(name = "[{index}] change name {0}")
    @MethodSource("hostileNames")
    void aChangeNameThatIsNoNameIsRefusedAtItsLineAndColumn(String name, String why) {
        String line = "  - { name: " + yamlQuoted(name) + ", type: A, to: [198.51.100.20] }";
        PlanError e = onlyErrorFor(HEAD + line + "\n");
        assertThat(e.where().line()).isEqualTo(7);
        assertThat(e.where().column()).isEqualTo(line.indexOf("name: ") + 7);
        assertThat(e.message()).contains("expected a domain name").contains(why);
        assertSafeMessage(e);
    }

    @ParameterizedTest(name = "[{index}] zone {0}")
    @MethodSource("hostileNames")
    void aZoneThatIsNoNameIsRefusedAtItsLineAndColumn(String zone, String why) {
        String yaml = """
                name: hostile
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [%s]
                ttl: { lowered: 300 }
                """.formatted(yamlQuoted(zone));
        PlanError e = onlyErrorFor(yaml);
        assertThat(e.where().line()).isEqualTo(4);
        assertThat(e.where().column()).isEqualTo(9);
        assertThat(e.message()).contains("expected a zone name");
        assertSafeMessage(e);
    }

    @ParameterizedTest(name = "[{index}] zone: {0}")
    @MethodSource("hostileNames")
    void aChangesZoneThatIsNoNameIsRefused(String zone, String why) {
        String line = "  - { zone: " + yamlQuoted(zone) + ", name: www, type: A, to: [198.51.100.20] }";
        PlanError e = onlyErrorFor(HEAD.replace("[example.com]", "[example.com, example.net]") + line + "\n");
        assertThat(e.where().line()).isEqualTo(7);
        assertThat(e.where().column()).isEqualTo(line.indexOf("zone: ") + 7);
        assertSafeMessage(e);
    }

    @ParameterizedTest(name = "[{index}] absolute {0}")
    @MethodSource("hostileNames")
    void anAbsoluteNameThatIsNoNameIsRefusedWithSeveralZones(String name, String why) {
        String line = "  - { name: " + yamlQuoted(name + ".example.com.") + ", type: A, to: [198.51.100.20] }";
        PlanError e = onlyErrorFor(HEAD.replace("[example.com]", "[example.com, example.net]") + line + "\n");
        assertThat(e.where().line()).isEqualTo(7);
        assertSafeMessage(e);
    }

    @Test
    void internationalisedNamesBecomePunycodeAndOrdinaryOddOnesPass() throws Exception {
        Plan p = LOADER.load(new StringReader(HEAD + """
                  - { name: café, type: A, to: [198.51.100.20] }
                  - { name: Bücher.example.com., type: A, to: [198.51.100.21] }
                  - { name: WWW, type: A, to: [198.51.100.22] }
                  - { name: _dmarc, type: TXT, to: ['"v=DMARC1; p=none"'] }
                  - { name: "*.dev", type: A, to: [198.51.100.23] }
                  - { name: "0/26", type: TXT, to: ['"RFC 2317"'] }
                  - { name: "  spaced  ", type: A, to: [198.51.100.24] }
                  - { name: "@", type: MX, to: ["10 mail.example.net."] }
                """), FILE);
        assertThat(p.changes()).extracting(ChangeSpec::name).containsExactly("xn--caf-dma.example.com.",
                "xn--bcher-kva.example.com.", "www.example.com.", "_dmarc.example.com.", "*.dev.example.com.",
                "0/26.example.com.", "spaced.example.com.", "example.com.");

        Plan idnZone = LOADER.load(new StringReader(HEAD.replace("[example.com]", "[bücher.example]")
                + "  - { name: www, type: A, to: [198.51.100.20] }\n"), FILE);
        assertThat(idnZone.zones()).containsExactly("xn--bcher-kva.example.");
        assertThat(idnZone.changes().get(0).name()).isEqualTo("www.xn--bcher-kva.example.");
    }

    /** The example from the report: a name that carries a second record in it, through the command line. */
    @Test
    void theInjectedApexNsNeverReachesTheZoneFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        String zone = """
                $TTL 3600
                @ IN SOA ns1 hostmaster 2026112001 7200 900 1209600 300
                @ IN NS ns1
                ns1 IN A 192.0.2.53
                www IN A 203.0.113.10
                """;
        Path zf = dir.resolve("zones/example.com.zone");
        Files.writeString(zf, "$ORIGIN example.com.\n" + zone);
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, HEAD + "  - { name: \"@ 60 IN NS attacker.example.\\nx\", type: A, to: [198.51.100.20] }\n");
        String before = Files.readString(zf);
        for (Cli.Run r : List.of(Cli.migrate("plan", plan.toString(), "--now", "2026-12-01T03:00:00Z"),
                Cli.migrate("apply", plan.toString(), "--now", "2026-12-01T03:00:00Z", "--phase", "swap", "--force"))) {
            assertThat(r.code()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).contains(plan + ":7:13: ", "'@ 60 IN NS attacker.example.\\u{A}x'", "'@' (write @ alone")
                    .doesNotContain("\n@ 60").doesNotContain("Exception");
        }
        assertThat(Files.readString(zf)).isEqualTo(before);
    }
}
