package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release launcher (src/dist/bin/migrate) in an installation laid out as the archive lays it out, reached
 * through symlinks on PATH from an unrelated directory: it finds its jar, honours JAVA_HOME and
 * MIGRATE_JAVA_OPTS, never builds, and makes its class-data-sharing archive once and then uses it.
 */
class ReleaseLauncherTest {
    static final Path PROJECT = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath().normalize();
    static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));

    @TempDir
    static Path tmp;
    static Path install;
    static Path onPath;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void install() throws Exception {
        // the source launcher builds target/migrate.jar and the class list when they are missing or stale
        Run built = run(List.of(PROJECT.resolve("migrate").toString(), "--version"), Map.of(), PROJECT);
        assertThat(built.exit()).as(built.err()).isZero();

        install = tmp.resolve("opt/migrate-test");
        Files.createDirectories(install.resolve("bin"));
        Files.createDirectories(install.resolve("lib"));
        Files.copy(PROJECT.resolve("src/dist/bin/migrate"), install.resolve("bin/migrate"));
        Files.setPosixFilePermissions(install.resolve("bin/migrate"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(PROJECT.resolve("target/migrate.jar"), install.resolve("lib/migrate.jar"));
        Files.copy(PROJECT.resolve("target/migrate.classlist"), install.resolve("lib/migrate.classlist"));
        // PATH holds a relative symlink to another symlink to the launcher
        Path links = Files.createDirectories(tmp.resolve("links"));
        Files.createSymbolicLink(links.resolve("migrate-current"), install.resolve("bin/migrate"));
        onPath = Files.createDirectories(tmp.resolve("home/bin"));
        Files.createSymbolicLink(onPath.resolve("migrate"), Path.of("../../links/migrate-current"));
    }

    static Run run(List<String> cmd, Map<String, String> env, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).directory(cwd.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("MIGRATE_JAVA_OPTS");
        pb.environment().remove("MIGRATE_CDS");
        pb.environment().remove("MIGRATE_LIB");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code migrate ARGS} as an operator types it: found on PATH, run from an unrelated directory. */
    static Run migrate(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec migrate \"$@\"", "sh"));
        cmd.addAll(List.of(args));
        Map<String, String> e = new java.util.HashMap<>(env);
        e.putIfAbsent("PATH", onPath + ":" + System.getenv("PATH"));
        return run(cmd, e, Files.createDirectories(tmp.resolve("elsewhere")));
    }

    /** A JAVA_HOME whose bin/java writes its arguments to a file, then runs the real java. */
    static Path recordingJavaHome(String name) throws Exception {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + home.resolve("args") + "'\nexec '"
                + JAVA_HOME.resolve("bin/java") + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    @Test
    void itRunsThroughSymlinksOnPathFromAnyDirectory() throws Exception {
        Run r = migrate(Map.of(), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("migrate ");
        assertThat(r.err()).isEmpty();
        Run help = migrate(Map.of(), "plan", "--help");
        assertThat(help.out()).contains("Usage: migrate plan");
    }

    @Test
    void itMakesItsClassDataArchiveOnceAndUsesIt() throws Exception {
        assertThat(migrate(Map.of(), "--version").exit()).isZero();
        List<Path> archives;
        try (var s = Files.list(install.resolve("lib"))) {
            archives = s.filter(p -> p.toString().endsWith(".jsa")).toList();
        }
        assertThat(archives).hasSize(1);
        long made = Files.getLastModifiedTime(archives.get(0)).toMillis();
        // -Xshare:on makes Java refuse to start unless the archive maps
        Run r = migrate(Map.of("MIGRATE_JAVA_OPTS", "-Xshare:on"), "--version");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("migrate ");
        assertThat(Files.getLastModifiedTime(archives.get(0)).toMillis()).isEqualTo(made);

        Path home = recordingJavaHome("java-off");
        assertThat(migrate(Map.of("JAVA_HOME", home.toString(), "MIGRATE_CDS", "off"), "--version").exit()).isZero();
        assertThat(Files.readString(home.resolve("args"))).doesNotContain("SharedArchiveFile");
    }

    @Test
    void itHonoursJavaHomeAndMigrateJavaOpts() throws Exception {
        Path home = recordingJavaHome("java-recorded");
        Run r = migrate(Map.of("JAVA_HOME", home.toString(), "MIGRATE_JAVA_OPTS", "-Dmigrate.test=yes -Xmx64m"), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> args = Files.readAllLines(home.resolve("args"));
        assertThat(args).contains("-Dmigrate.test=yes", "-Xmx64m", "-jar", install.resolve("lib/migrate.jar").toRealPath().toString(),
                "--version");
        // the operator's options come after the launcher's own, so they win
        assertThat(args.indexOf("-Xmx64m")).isGreaterThan(args.indexOf("-XX:TieredStopAtLevel=1"));
        assertThat(args).as("the serial collector by default").contains("-XX:+UseSerialGC");

        // A collector the operator names replaces the serial one: Java refuses to start with two.
        r = migrate(Map.of("JAVA_HOME", home.toString(), "MIGRATE_JAVA_OPTS", "-XX:+UseG1GC"), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllLines(home.resolve("args"))).contains("-XX:+UseG1GC").doesNotContain("-XX:+UseSerialGC");
        Run real = migrate(Map.of("MIGRATE_JAVA_OPTS", "-XX:+UseParallelGC"), "--version");
        assertThat(real.exit()).as("the real Java with the operator's collector: " + real.err()).isZero();
        assertThat(real.out()).startsWith("migrate ");

        Run bad = migrate(Map.of("JAVA_HOME", tmp.resolve("no-such-java").toString()), "--version");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("JAVA_HOME is " + tmp.resolve("no-such-java") + ", which has no bin/java");
    }

    @Test
    void withoutJavaItSaysWhatToDo() throws Exception {
        // a PATH with the shell's tools but no java
        Path bin = Files.createDirectories(tmp.resolve("nojava"));
        for (String tool : List.of("sh", "dirname", "readlink", "sed", "stat", "cksum", "cut", "mkdir", "mv", "rm", "cat")) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path t = Path.of(dir, tool);
                if (Files.exists(t) && !Files.exists(bin.resolve(tool))) Files.createSymbolicLink(bin.resolve(tool), t);
            }
        }
        Run r = run(List.of(onPath.resolve("migrate").toString(), "--version"), Map.of("PATH", bin.toString()), tmp);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("migrate: no Java found: install Java 17 or later");
    }
}
