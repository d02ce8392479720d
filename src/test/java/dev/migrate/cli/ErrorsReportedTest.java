package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code Error} (out of memory, a stack overflow, anything the JVM throws) reaches the operator as one
 * line and exit 1, like an exception; never as the JVM's stack trace, unless --verbose.
 */
class ErrorsReportedTest {

    record Run(int exit, String err) {}

    static Run java(List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.migrate.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] err = p.getErrorStream().readAllBytes();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(err));
    }

    /** A plan on a zone of 300,000 records (within the zone-file bounds) with a heap far too small for it. */
    @Test
    void runningOutOfMemoryIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        StringBuilder zone = new StringBuilder("""
                $ORIGIN example.com.
                $TTL 3600
                @ IN SOA ns1 hostmaster 2026112001 7200 900 1209600 300
                @ IN NS ns1
                ns1 IN A 192.0.2.53
                www IN A 203.0.113.10
                """);
        for (int i = 0; i < 5; i++) zone.append("$GENERATE 1-60000 host").append(i).append("-$ CNAME a-target-name-of-some-length-to-fill-the-heap-$.example.net.\n");
        Files.writeString(dir.resolve("zones/example.com.zone"), zone);
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: oom
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                """);
        Run r = java(List.of("-Xmx24m", "-XX:TieredStopAtLevel=1"), "plan", plan.toString(), "--now", "2026-11-20T00:00:00Z");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("migrate: out of memory (Java may use at most ")
                .contains("MIGRATE_JAVA_OPTS=-Xmx2g").doesNotContain("\tat ").doesNotContain("Exception in thread")
                .doesNotContain("java.lang.OutOfMemoryError");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    static String report(Throwable t, boolean verbose, int[] code) {
        StringWriter w = new StringWriter();
        code[0] = Main.report(t, new PrintWriter(w), verbose);
        return w.toString();
    }

    @Test
    void everyKindOfErrorIsReportedLikeAnException() {
        int[] code = new int[1];
        for (Throwable t : List.of(new OutOfMemoryError("Java heap space"), new StackOverflowError(),
                new LinkageError("a class went missing"), new AssertionError("never"), new InternalError("jvm"))) {
            String said = report(t, false, code);
            assertThat(code[0]).as("%s", t).isEqualTo(ExitCode.FAILURE);
            assertThat(said).startsWith("migrate: ").doesNotContain("\tat ");
            assertThat(said.strip().lines()).as(said).hasSize(1);
            String verbose = report(t, true, code);
            assertThat(verbose).contains("\tat ");
        }
        assertThat(report(new StackOverflowError(), false, code)).contains("nests too deeply");
        assertThat(report(new LinkageError("a class\nwent missing"), false, code))
                .contains("unexpected internal error LinkageError: a class\\u{A}went missing");
    }
}
