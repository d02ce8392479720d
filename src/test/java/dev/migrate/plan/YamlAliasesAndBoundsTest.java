package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * YAML anchors and aliases in a plan are resolved (an alias used to become the text of its own name), or
 * refused at their file:line:column when they cannot be; and a plan file is read within bounds: its size,
 * its encoding, its nesting, and what its aliases expand to.
 */
class YamlAliasesAndBoundsTest {
    static final Path FILE = Path.of("plans", "aliases.yaml");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));
    static final String HEAD = """
            name: aliases
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [&zone example.com]
            ttl: { lowered: &low 300, restore: *low }
            """;

    static Plan load(String yaml) throws PlanException {
        return LOADER.load(new StringReader(yaml), FILE);
    }

    static List<PlanError> errors(String yaml) {
        PlanException e = catchThrowableOfType(PlanException.class, () -> load(yaml));
        assertThat(e).as("refused:%n%s", yaml).isNotNull();
        return e.errors();
    }

    @Test
    void aliasesStandForWhatTheirAnchorsMark() throws Exception {
        Plan p = load(HEAD + """
                changes:
                  - { zone: *zone, name: www, type: A, to: &new [198.51.100.20, 198.51.100.21] }
                  - { name: web, type: A, to: *new }
                  - { name: &mx "@", type: MX, to: &mxto ["10 mail.example.net."] }
                  - { name: *mx, type: TXT, to: ['"v=spf1 -all"'] }
                rewrite:
                  - &rule { from: 203.0.113.25, to: 198.51.100.25 }
                """);
        assertThat(p.ttl().restore()).hasValue(300);
        assertThat(p.changes()).extracting(ChangeSpec::name, ChangeSpec::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple("www.example.com.", List.of("198.51.100.20", "198.51.100.21")),
                org.assertj.core.groups.Tuple.tuple("web.example.com.", List.of("198.51.100.20", "198.51.100.21")),
                org.assertj.core.groups.Tuple.tuple("example.com.", List.of("10 mail.example.net.")),
                org.assertj.core.groups.Tuple.tuple("example.com.", List.of("\"v=spf1 -all\"")));
        assertThat(p.rewrites()).hasSize(1);
    }

    @Test
    void anAliasOfAWholeChangeIsThatChangeAgain() {
        List<PlanError> errs = errors(HEAD + """
                changes:
                  - &www { name: www, type: A, to: [198.51.100.20] }
                  - *www
                """);
        assertThat(errs).singleElement().satisfies(e -> assertThat(e.message()).contains("a second change for www.example.com. A"));
    }

    @Test
    void anAliasWithoutItsAnchorIsRefusedWhereItIsWritten() {
        assertThat(errors(HEAD + """
                changes:
                  - { name: www, type: A, to: *nowhere }
                """)).singleElement().satisfies(e -> {
            assertThat(e.where().line()).isEqualTo(7);
            assertThat(e.where().column()).isEqualTo(31);
            assertThat(e.message()).contains("*nowhere names no anchor");
        });
        // Used before its anchor is written, and inside itself.
        assertThat(errors(HEAD + """
                changes:
                  - { name: www, type: A, to: *later }
                  - { name: web, type: A, to: &later [198.51.100.20] }
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("*later names no anchor"));
        assertThat(errors(HEAD + """
                changes: &self [*self]
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("*self names no anchor"));
    }

    @Test
    void mergeKeysAndAliasKeysAreRefused() {
        assertThat(errors(HEAD + """
                changes:
                  - &base { name: www, type: A, to: [198.51.100.20] }
                  - { <<: *base, name: web }
                """)).singleElement().satisfies(e -> {
            assertThat(e.where().line()).isEqualTo(8);
            assertThat(e.message()).contains("merge keys (<<)");
        });
    }

    @ParameterizedTest(name = "{0} levels of ten")
    @ValueSource(ints = {6, 9, 20})
    void aliasesOfAliasesCannotBlowUp(int levels) {
        StringBuilder y = new StringBuilder(HEAD + "checks:\n  - { id: x, tcp: \"192.0.2.1:25\", expectBanner: &l0 [a, a, a, a, a, a, a, a, a, a] }\n");
        for (int i = 1; i <= levels; i++) {
            y.append("  - { id: x").append(i).append(", tcp: \"192.0.2.1:25\", expectBanner: &l").append(i).append(" [");
            for (int k = 0; k < 10; k++) y.append(k == 0 ? "" : ", ").append("*l").append(i - 1);
            y.append("] }\n");
        }
        long start = System.nanoTime();
        List<PlanError> errs = errors(y.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(errs).singleElement().satisfies(e -> assertThat(e.message()).contains("more than 100000 values"));
    }

    @Test
    void aPlanFileIsReadWithinBounds(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, HEAD + "# " + "x".repeat(PlanLoader.MAX_BYTES) + "\n");
        assertThat(catchThrowableOfType(PlanException.class, () -> LOADER.load(big)).errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("larger than 4 MiB"));

        Path latin1 = dir.resolve("latin1.yaml");
        byte[] head = HEAD.getBytes();
        byte[] bytes = new byte[head.length + 20];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy("# caf\u00e9 ok\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, bytes, head.length, 10);
        Files.write(latin1, java.util.Arrays.copyOf(bytes, head.length + 10));
        assertThat(catchThrowableOfType(PlanException.class, () -> LOADER.load(latin1)).errors()).singleElement()
                .satisfies(e -> {
                    assertThat(e.where().line()).isEqualTo(6);
                    assertThat(e.message()).contains("not UTF-8 text");
                });

        assertThat(catchThrowableOfType(PlanException.class, () -> LOADER.load(dir)).errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("cannot read the plan file: it is a directory"));
        assertThat(catchThrowableOfType(PlanException.class, () -> LOADER.load(dir.resolve("none.yaml"))).errors())
                .singleElement().satisfies(e -> assertThat(e.message()).isEqualTo("no such plan file"));

        Path deep = dir.resolve("deep.yaml");
        Files.writeString(deep, HEAD + "changes: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n");
        assertThat(catchThrowableOfType(PlanException.class, () -> LOADER.load(deep)).errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("malformed YAML").doesNotContain("Exception"));
    }
}
