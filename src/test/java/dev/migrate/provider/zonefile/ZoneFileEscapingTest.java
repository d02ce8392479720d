package dev.migrate.provider.zonefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabBinaries;
import dev.migrate.lab.LabTest;
import dev.migrate.provider.ProviderException;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Nothing raw reaches a zone file: every line the writer makes is dnsjava's presentation form, so names and
 * data with odd characters (from a zone file, a provider or a plan) come back unchanged, every file written
 * loads in named-checkzone and in a running BIND, and data that is not in presentation form is refused
 * rather than written.
 */
@LabTest
class ZoneFileEscapingTest {
    static final String Z = "example.test.";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    static final String HEAD = """
            $ORIGIN example.test.
            $TTL 3600
            @ IN SOA ns1 hostmaster 2026112001 7200 900 1209600 300
            @ IN NS ns1
            ns1 IN A 127.0.0.1
            """;

    /** Owners and data with every character a zone file must escape, as a zone file writes them. */
    static final List<String> ODD_LINES = List.of(
            "a\\032b IN TXT \"space in a label\"",
            "\\;semi IN TXT \"x\"",
            "\\(paren\\) IN TXT \"x\"",
            "\\\"quote IN TXT \"x\"",
            "back\\\\slash IN TXT \"x\"",
            "\\$include IN TXT \"a directive's name as a label\"",
            "\\$ORIGIN IN TXT \"x\"",
            "\\@at IN TXT \"x\"",
            "nul\\000byte IN TXT \"x\"",
            "nl\\010name IN TXT \"x\"",
            "tab\\009name IN TXT \"x\"",
            "del\\127 IN TXT \"x\"",
            "high\\255 IN TXT \"x\"",
            "utf\\195\\169 IN TXT \"x\"",
            "dot\\.inlabel IN TXT \"x\"",
            "x".repeat(63) + " IN TXT \"a 63-octet label\"",
            ("y".repeat(60) + ".").repeat(3) + "long IN TXT \"a name near 255 octets\"",
            "txt IN TXT \"line\\010break\" \"semi;colon\" \"(paren)\" \"quote\\\"\" \"back\\\\slash\" \"Caf\\195\\169\" \"\"",
            "t255 IN TXT \"" + "z".repeat(255) + "\"",
            "ctl IN TXT \"\\000\\001\\031\\127\\128\\255\"",
            "* IN TXT \"wildcard\"",
            "_dmarc IN TXT \"v=DMARC1; p=none\"",
            "caa IN CAA 0 issue \"ca.example.net; account=1\"",
            "naptr IN NAPTR 100 10 \"S\" \"SIP+D2T\" \"!^.*$!sip:x@example.test!\" .",
            "hinfo IN HINFO \"x86 ;64\" \"Linux (6)\"");

    static ZoneSnapshot read(String text, Path dir) throws IOException {
        Path f = dir.resolve("in.zone");
        Files.writeString(f, text);
        return ZoneFiles.read(f, Z);
    }

    static String write(ZoneSnapshot z) throws IOException {
        StringWriter w = new StringWriter();
        ZoneFiles.write(w, z);
        return w.toString();
    }

    /** named-checkzone with BIND's defaults for a primary zone; the zone must load. */
    static void assertLoadsInNamedCheckzone(String text, Path dir) throws Exception {
        LabBinaries.require("named-checkzone");
        Path f = dir.resolve("checked.zone");
        Files.writeString(f, text);
        Process p = new ProcessBuilder("named-checkzone", "-k", "fail", "-i", "full", Z, f.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("named-checkzone said:%n%s%nof:%n%s", said, text).isZero();
    }

    static void assertOnlyPrintableAscii(String text) {
        assertThat(text.replace("\n", "").replace("\t", "")).matches("[\\x20-\\x7e]*");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("oddLines")
    void anOddRecordFromAZoneFileComesBackUnchangedAndTheFileLoads(String line, @TempDir Path dir) throws Exception {
        ZoneSnapshot first = read(HEAD + line + "\n", dir);
        String written = write(first);
        assertOnlyPrintableAscii(written);
        ZoneSnapshot again = read(written, dir);
        assertThat(again.rrsets()).containsExactlyElementsOf(first.rrsets());
        assertThat(write(again)).isEqualTo(written);
        assertLoadsInNamedCheckzone(written, dir);
    }

    static Stream<String> oddLines() {
        return ODD_LINES.stream();
    }

    /** Names as a provider's API may hand them over: raw text, not presentation form. */
    static Stream<String> rawNames() {
        List<String> out = new ArrayList<>(List.of("a b", "x;y", "$INCLUDE", "$ORIGIN evil", "(", ")", "\"", "q\"uote",
                "@ 60 IN NS attacker.example.\nx", "new\nline", "tab\there", "cr\rhere", "nul\u0000", "del\u007f",
                "semi; comment", "paren (", "at@", "back\\\\slash", "dollar$"));
        for (char c = 1; c < 0x20; c++) out.add("c" + c + "c");
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("rawNames")
    void aRawNameFromAProviderIsWrittenEscapedAndNeverAsZoneSyntax(String raw, @TempDir Path dir) throws Exception {
        ZoneSnapshot live = read(HEAD, dir);
        RRset odd = new RRset(raw + "." + Z, "TXT", 300, List.of("\"from a provider\""));
        ZoneSnapshot next = live.with(List.of(RRsetChange.of(Z, null, odd)));
        String written = write(next);
        assertOnlyPrintableAscii(written);
        assertLoadsInNamedCheckzone(written, dir);
        ZoneSnapshot back = read(written, dir);
        // Exactly one RRset more, under the one odd name; the apex NS is what it was.
        assertThat(back.size()).isEqualTo(live.size() + 1);
        assertThat(back.get(odd.key())).isEqualTo(odd);
        assertThat(back.get(Z, "NS")).isEqualTo(live.get(Z, "NS"));
    }

    static Stream<String[]> rawData() {
        return Stream.of(
                new String[] {"TXT", "\"a\"\n@ 60 IN NS attacker.example."},
                new String[] {"TXT", "\"line\nbreak\""},
                new String[] {"TXT", "\"Café\""},
                new String[] {"TXT", "\"tab\there\""},
                new String[] {"A", "192.0.2.1\nevil 60 IN A 203.0.113.66"},
                new String[] {"A", "192.0.2.1 ; comment"},
                new String[] {"A", "192.0.2.01"},
                new String[] {"CNAME", "target;evil"},
                new String[] {"MX", "10 mail.example.net. ( 20 x. )"},
                new String[] {"TXT", "unquoted text"});
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("rawData")
    void dataNotInPresentationFormIsRefusedAndTheFileKept(String type, String data, @TempDir Path dir) throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path file = zones.resolve("example.test.zone");
        Files.writeString(file, HEAD + "www IN A 192.0.2.80\n");
        String before = Files.readString(file);
        ZoneFileProvider p = new ZoneFileProvider(zones, List.of(), Duration.ofSeconds(5), CLOCK);
        RRset bad = new RRset("raw." + Z, type, 300, List.of(data));
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> p.apply(Z, List.of(RRsetChange.of(Z, null, bad))));
        assertThat(e).as("a write of %s", data).isNotNull();
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.IO);
        assertThat(e.getMessage()).contains("refusing to write raw.example.test. " + type);
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    /** A running BIND loads what we wrote and serves each odd name and each octet of its data. */
    @Test
    void bindServesWhatWasWrittenOctetForOctet(@TempDir Path dir) throws Exception {
        StringBuilder text = new StringBuilder(HEAD);
        ODD_LINES.forEach(l -> text.append(l).append('\n'));
        ZoneSnapshot z = read(text.toString(), dir);
        String written = write(z);
        try (BindServer bind = BindServer.builder().addPrimaryZone(Z, written).start()) {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", bind.port()));
            r.setTCP(true);
            r.setTimeout(Duration.ofSeconds(5));
            for (RRset s : z.rrsets()) {
                if (!s.type().equals("TXT") || s.name().startsWith("*")) continue;
                Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(s.name()), Type.TXT, 1)));
                List<Record> answer = m.getSection(Section.ANSWER);
                assertThat(answer).as("TXT of %s", s.name()).isNotEmpty();
                assertThat(answer.stream().map(Record::rdataToString).sorted().toList()).isEqualTo(s.rdata());
            }
            Message cafe = r.send(Message.newQuery(Record.newRecord(Name.fromString("txt." + Z), Type.TXT, 1)));
            TXTRecord t = (TXTRecord) cafe.getSection(Section.ANSWER).get(0);
            assertThat(t.getStringsAsByteArrays().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList())
                    .contains("Café", "semi;colon", "line\nbreak", "quote\"", "back\\slash", "");
        }
    }
}
