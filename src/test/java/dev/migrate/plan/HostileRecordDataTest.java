package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.dns.Rdata;
import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Record data in a plan: text beyond ASCII is stored encoded once (UTF-8, as {@code \DDD}), control characters
 * are refused at their file:line:column (a newline used to cut a TXT value silently), and zone-file syntax
 * outside quotes ({@code ;} comments, parentheses) is refused instead of quietly acted on.
 */
class HostileRecordDataTest {
    static final Path FILE = Path.of("plans", "data.yaml");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));
    static final String HEAD = """
            name: data
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            changes:
            """;

    static List<String> loadTo(String type, String yamlData) throws PlanException {
        Plan p = LOADER.load(new StringReader(HEAD + "  - { name: www, type: " + type + ", to: [" + yamlData + "] }\n"), FILE);
        return p.changes().get(0).to();
    }

    /** The octets of each character-string of a TXT record's data as stored. */
    static List<byte[]> txtOctets(String rdata) throws Exception {
        TXTRecord r = (TXTRecord) Record.fromString(Name.root, Type.TXT, DClass.IN, 0, rdata, Name.root);
        return r.getStringsAsByteArrays();
    }

    static Stream<String> texts() {
        return Stream.of("Café", "naïve façade", "日本語のテキスト", "emoji 🙂 and 𝄞", "Ünïcödé ÀÉÎÕÜ", "ß and ς", "Привет", "שלום");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("texts")
    void textBeyondAsciiIsStoredAsItsUtf8OctetsOnce(String text) throws Exception {
        String quoted = "'\"" + text + "\"'";
        List<String> to = loadTo("TXT", quoted);
        assertThat(txtOctets(to.get(0))).singleElement()
                .satisfies(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo(text));
        assertThat(to.get(0)).matches("\\p{ASCII}*");
        // Normalising what is stored changes nothing: it is encoded once, not once per pass.
        assertThat(Rdata.normalise("TXT", to.get(0), "example.com.")).isEqualTo(to.get(0));
        // Unquoted, a TXT is one string too.
        assertThat(txtOctets(loadTo("TXT", "'" + text.replace(" ", "\\032") + "'").get(0))).singleElement()
                .satisfies(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo(text));
    }

    @Test
    void anEscapedCharacterBeyondAsciiIsThatCharacter() throws Exception {
        assertThat(txtOctets(loadTo("TXT", "'\"Caf\\é\"'").get(0))).singleElement()
                .satisfies(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("Café"));
        assertThat(loadTo("TXT", "'\"Caf\\195\\169\"'")).containsExactly("\"Caf\\195\\169\"");
    }

    static Stream<Object[]> controlCharacters() {
        List<Object[]> out = new ArrayList<>();
        List<Character> cs = new ArrayList<>();
        for (char c = 0; c < 0x20; c++) cs.add(c);
        cs.add((char) 0x7f);
        for (char c = 0x80; c < 0xa0; c++) cs.add(c);
        cs.add('\u2028');
        cs.add('\u2029');
        cs.add('\u202e');
        cs.add('\u200b');
        for (char c : cs) {
            out.add(new Object[] {"TXT", "\"v=spf1 -all" + c + "x\""});
            out.add(new Object[] {"A", "198.51.100.20" + c});
            out.add(new Object[] {"MX", "10" + c + "mail.example.net."});
        }
        out.add(new Object[] {"A", "198.51.100.20\nwww 60 IN A 203.0.113.66"});
        out.add(new Object[] {"TXT", "\"first line\nsecond line\""});
        out.add(new Object[] {"CNAME", "target.example.net.\n@ 60 IN NS attacker.example."});
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("controlCharacters")
    void aControlCharacterInDataIsRefusedAtItsLineAndColumn(String type, String data) {
        String line = "  - { name: www, type: " + type + ", to: [" + HostileNamesTest.yamlQuoted(data) + "] }";
        PlanException e = catchThrowableOfType(PlanException.class, () -> LOADER.load(new StringReader(HEAD + line + "\n"), FILE));
        assertThat(e).as("refused: %s", data).isNotNull();
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.where().line()).isEqualTo(7);
            assertThat(err.where().column()).isEqualTo(line.indexOf("to: [") + 6);
            assertThat(err.message()).contains("control or invisible character (U+");
            HostileNamesTest.assertSafeMessage(err);
        });
    }

    static Stream<Object[]> zoneFileSyntax() {
        return Stream.of(
                new Object[] {"A", "198.51.100.20 ; www 60 IN A 203.0.113.66", "';'"},
                new Object[] {"A", "198.51.100.20;", "';'"},
                new Object[] {"CNAME", "target.example.net.;evil", "';'"},
                new Object[] {"CNAME", "x;y", "';'"},
                new Object[] {"MX", "10 mail.example.net. ; backup", "';'"},
                new Object[] {"TXT", "\"v=spf1 -all\" ; comment", "';'"},
                new Object[] {"TXT", "\"a\" (", "'('"},
                new Object[] {"TXT", "( \"a\" )", "'('"},
                new Object[] {"A", "198.51.100.20 )", "')'"},
                new Object[] {"MX", "( 10 mail.example.net. )", "'('"},
                new Object[] {"CNAME", "café.example.net.", "xn--"},
                new Object[] {"MX", "10 bücher.example.net.", "xn--"},
                new Object[] {"NS", "ns.пример.рф.", "xn--"});
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("zoneFileSyntax")
    void zoneFileSyntaxOutsideQuotesIsRefusedNotActedOn(String type, String data, String why) {
        String line = "  - { name: www, type: " + type + ", to: [" + HostileNamesTest.yamlQuoted(data) + "] }";
        PlanException e = catchThrowableOfType(PlanException.class, () -> LOADER.load(new StringReader(HEAD + line + "\n"), FILE));
        assertThat(e).as("refused: %s", data).isNotNull();
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.where().line()).isEqualTo(7);
            assertThat(err.message()).contains(why);
        });
    }

    @Test
    void theSameCharactersInsideQuotesAreData() throws Exception {
        assertThat(loadTo("TXT", "'\"v=DMARC1; p=none (strict); rua=mailto:d@example.com\"'"))
                .containsExactly("\"v=DMARC1; p=none (strict); rua=mailto:d@example.com\"");
        assertThat(loadTo("TXT", "'\"a \\\"quoted\\\" \\\\ backslash\"'"))
                .containsExactly("\"a \\\"quoted\\\" \\\\ backslash\"");
        assertThat(loadTo("TXT", "'\"line\\010break\"'")).containsExactly("\"line\\010break\"");
        assertThat(loadTo("CAA", "'0 iodef \"mailto:sec@example.com;x\"'")).containsExactly("0 iodef \"mailto:sec@example.com;x\"");
    }
}
