package dev.migrate.provider.zonefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.ProviderException;
import dev.migrate.testing.Cli;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A zone file is read within bounds (see ZoneFileScan): {@code $INCLUDE} cycles, depth, count, files outside
 * the zone's directory, FIFOs, devices and directories; {@code $GENERATE} ranges; the size of the files and
 * the number of records. Each is refused quickly, with file:line and what to do; none hangs, recurses until
 * the stack runs out, or fills the heap.
 */
class ZoneFileBoundsTest {
    static final String Z = "example.test.";
    static final String HEAD = ZoneFileEscapingTest.HEAD;

    @TempDir
    Path dir;

    Path zone() {
        return dir.resolve("example.test.zone");
    }

    /** Reads the zone, bounded in time: a refusal must come quickly, never by running out of something. */
    IOException refused(String text) throws IOException {
        Files.writeString(zone(), text);
        return refusedAsIs();
    }

    IOException refusedAsIs() {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            IOException e = catchThrowableOfType(IOException.class, () -> ZoneFiles.read(zone(), Z));
            assertThat(e).as("the read should have been refused").isNotNull();
            return e;
        });
    }

    static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mk.exitValue()).isZero();
    }

    @Test
    void aFileThatIncludesItselfIsRefusedAtItsLine() throws Exception {
        IOException e = refused(HEAD + "$INCLUDE example.test.zone\n");
        assertThat(e.getMessage()).contains(zone() + ":6: $INCLUDE", "includes itself");
    }

    @Test
    void aCycleThroughSeveralFilesIsRefused() throws Exception {
        Files.writeString(dir.resolve("a.inc"), "a IN A 192.0.2.1\n$include b.inc\n");
        Files.writeString(dir.resolve("b.inc"), "b IN A 192.0.2.2\n$INCLUDE c.inc\n");
        Files.writeString(dir.resolve("c.inc"), "c IN A 192.0.2.3\n$Include a.inc\n");
        IOException e = refused(HEAD + "$INCLUDE a.inc\n");
        assertThat(e.getMessage()).contains(dir.resolve("c.inc") + ":2: $INCLUDE", "includes itself (through 4 files)");
    }

    @Test
    void includesNestEightDeepAndNoDeeper() throws Exception {
        for (int i = 1; i <= 9; i++) {
            Files.writeString(dir.resolve("n" + i + ".inc"), "n" + i + " IN A 192.0.2." + i + "\n"
                    + (i < 9 ? "$INCLUDE n" + (i + 1) + ".inc\n" : ""));
        }
        IOException e = refused(HEAD + "$INCLUDE n1.inc\n");
        assertThat(e.getMessage()).contains(dir.resolve("n8.inc") + ":2:", "nested more than 8 files deep");

        Files.writeString(dir.resolve("n8.inc"), "n8 IN A 192.0.2.8\n");
        Files.writeString(zone(), HEAD + "$INCLUDE n1.inc\n");
        assertThat(ZoneFiles.read(zone(), Z).get("n8." + Z, "A")).isNotNull();
    }

    static Stream<String> outside() {
        return Stream.of("/etc/passwd", "/etc/shadow", "../outside.zone", "/proc/self/environ", "sub/../../outside.zone",
                "link-out.zone");
    }

    @ParameterizedTest(name = "[{index}] $INCLUDE {0}")
    @MethodSource("outside")
    void includesOutsideTheZoneDirectoryAreRefusedWithoutReadingThem(String target) throws Exception {
        Path inner = Files.createDirectories(dir.resolve("zones"));
        Files.writeString(dir.resolve("outside.zone"), "secret IN TXT \"outside the zone directory\"\n");
        Files.createDirectories(inner.resolve("sub"));
        Files.createSymbolicLink(inner.resolve("link-out.zone"), dir.resolve("outside.zone"));
        Path z = inner.resolve("example.test.zone");
        Files.writeString(z, HEAD + "$INCLUDE " + target + "\n");
        IOException e = catchThrowableOfType(IOException.class, () -> ZoneFiles.read(z, Z));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(z + ":6: $INCLUDE " + target)
                .containsAnyOf("is outside the zone file's directory", "no such file")
                .doesNotContain("outside the zone directory\"").doesNotContain("root:");
    }

    @Test
    void fifosDevicesAndDirectoriesAreNeverOpened() throws Exception {
        mkfifo(dir.resolve("pipe.inc"));
        Files.createDirectories(dir.resolve("adir"));
        Files.createSymbolicLink(dir.resolve("zero.inc"), Path.of("/dev/zero"));
        assertThat(refused(HEAD + "$INCLUDE pipe.inc\n").getMessage()).contains("pipe.inc is not a regular file");
        assertThat(refused(HEAD + "$INCLUDE adir\n").getMessage()).contains("adir is a directory");
        assertThat(refused(HEAD + "$INCLUDE missing.inc\n").getMessage()).contains(":6: $INCLUDE missing.inc", "no such file");
        // The zone file itself.
        Files.delete(zone());
        mkfifo(zone());
        assertThat(refusedAsIs().getMessage()).contains("is not a regular file");
        Files.delete(zone());
        Files.createSymbolicLink(zone(), Path.of("/dev/zero"));
        assertThat(refusedAsIs().getMessage()).contains("is not a regular file");
    }

    static Stream<Object[]> generates() {
        return Stream.of(
                new Object[] {"0-4294967295", false}, new Object[] {"0-65536", false}, new Object[] {"1-65537", false},
                new Object[] {"0-131072/2", false}, new Object[] {"1-65536", true}, new Object[] {"0-131071/2", true},
                new Object[] {"0-4294967295/65536", true}, new Object[] {"0-4294967295/65535", false});
    }

    @ParameterizedTest(name = "[{index}] $GENERATE {0} accepted={1}")
    @MethodSource("generates")
    void aGenerateMakesAtMost65536Records(String range, boolean accepted) throws Exception {
        String text = HEAD + "$GENERATE " + range + " host-$ A 192.0.2.1\n";
        if (accepted) {
            Files.writeString(zone(), text);
            ZoneSnapshot z = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ZoneFiles.read(zone(), Z));
            assertThat(z.size()).isGreaterThan(60_000);
        } else {
            assertThat(refused(text).getMessage()).contains(zone() + ":6: $GENERATE " + range, "at most 65536");
        }
    }

    @Test
    void moreIncludesThanAThousandAreRefused() throws Exception {
        Files.writeString(dir.resolve("one.inc"), "; nothing\n");
        assertThat(refused(HEAD + "$INCLUDE one.inc\n".repeat(1001)).getMessage()).contains("more than 1000 $INCLUDEs");
    }

    @Test
    void aZoneLargerThanTheLimitIsRefusedWithoutReadingIt() throws Exception {
        Files.writeString(zone(), HEAD);
        try (RandomAccessFile f = new RandomAccessFile(zone().toFile(), "rw")) {
            f.setLength(ZoneFileScan.MAX_BYTES + 1); // sparse: no disk, and never read
        }
        assertThat(refusedAsIs().getMessage()).contains("more than 128 MiB");
        Files.writeString(dir.resolve("big.inc"), "");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("big.inc").toFile(), "rw")) {
            f.setLength(ZoneFileScan.MAX_BYTES - 10);
        }
        assertThat(refused(HEAD + "$INCLUDE big.inc\n").getMessage()).contains("more than 128 MiB", "big.inc");
    }

    @Test
    void moreRecordsThanTheLimitAreRefused() throws Exception {
        // $GENERATEs are added up before any is expanded: the sixteenth crosses a million.
        StringBuilder text = new StringBuilder(HEAD);
        for (int i = 0; i < 16; i++) text.append("$GENERATE 1-65536 h").append(i).append("-$ A 192.0.2.1\n");
        assertThat(refused(text.toString()).getMessage()).contains(zone() + ":21: the zone's $GENERATEs make more"
                + " than 1000000 records");

        // Records are counted as they are read, whatever made them (a smaller limit, so the test is quick).
        ZoneFileScan.Limits small = new ZoneFileScan.Limits(1 << 20, 8, 10, 100, 50);
        StringBuilder plain = new StringBuilder(HEAD);
        for (int i = 0; i < 47; i++) plain.append("p").append(i).append(" IN A 192.0.2.1\n");
        Files.writeString(zone(), plain.toString());
        assertThat(ZoneFiles.read(zone(), Z, small).size()).isEqualTo(50);
        Files.writeString(zone(), plain + "one-more IN A 192.0.2.2\n");
        assertThat(catchThrowableOfType(IOException.class, () -> ZoneFiles.read(zone(), Z, small)).getMessage())
                .contains("more than 50 records");
        Files.writeString(dir.resolve("more.inc"), "m1 IN A 192.0.2.3\nm2 IN A 192.0.2.4\n");
        Files.writeString(zone(), plain + "$INCLUDE more.inc\n");
        assertThat(catchThrowableOfType(IOException.class, () -> ZoneFiles.read(zone(), Z, small)).getMessage())
                .contains("more than 50 records");
    }

    @Test
    void ordinaryIncludesStillReadAsTheirTextWould() throws Exception {
        Files.createDirectories(dir.resolve("inc"));
        Files.writeString(dir.resolve("inc/mail.inc"), "mx IN A 192.0.2.25\n@ IN MX 10 mx\n");
        Files.writeString(dir.resolve("inc/www.inc"), "www IN A 192.0.2.80\n");
        Files.writeString(zone(), HEAD + "txt IN TXT \"$INCLUDE /etc/passwd is only text here\"\n"
                + "$INCLUDE inc/mail.inc mail.example.test.\n$include \"inc/www.inc\"\n");
        ZoneSnapshot z = ZoneFiles.read(zone(), Z);
        assertThat(z.get("mx.mail." + Z, "A")).isNotNull();
        assertThat(z.get("mail." + Z, "MX").rdata()).containsExactly("10 mx.mail.example.test.");
        assertThat(z.get("www." + Z, "A")).isNotNull();
        assertThat(z.get("txt." + Z, "TXT").rdata()).containsExactly("\"$INCLUDE /etc/passwd is only text here\"");
    }

    /** Through the command line: exit 1, one line naming file:line, no stack trace, in seconds. */
    @Test
    void planOnASelfIncludingZoneExitsOneWithFileAndLine() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path z = zones.resolve("example.test.zone");
        Files.writeString(z, HEAD + "www IN A 203.0.113.10\n$INCLUDE example.test.zone\n");
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: bounds
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.test]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                """);
        Cli.Run r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.migrate("plan", plan.toString(), "--now", "2026-11-20T00:00:00Z"));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.err().strip().lines()).singleElement().asString()
                .contains(z + ":7: $INCLUDE", "includes itself").doesNotContain("Exception");
    }

    @Test
    void theProviderSaysItCannotReadTheZoneAndWhy() throws Exception {
        Files.writeString(zone(), HEAD + "$GENERATE 0-4294967295 h$ A 192.0.2.1\n");
        ZoneFileProvider p = new ZoneFileProvider(dir, List.of(), Duration.ofSeconds(5), Clock.systemUTC());
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.read(Z));
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.IO);
        assertThat(e.getMessage()).contains("cannot read zone file", ":6: $GENERATE 0-4294967295 makes 4294967296 records");
    }
}
