package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion script in a real bash: registered with {@code complete}, then asked as bash asks it
 * (COMP_WORDS, COMP_CWORD), from a directory holding plans, with {@code migrate} on PATH.
 */
class CompletionTest {
    @TempDir
    static Path dir;
    static Path script;
    static Path bin;

    @BeforeAll
    static void setUp() throws Exception {
        Cli.Run gen = Cli.migrate("generate-completion");
        assertThat(gen.code()).as(gen.err()).isZero();
        script = dir.resolve("migrate.bash");
        Files.writeString(script, gen.out());
        bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path migrate = bin.resolve("migrate");
        Files.writeString(migrate, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.migrate.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(migrate, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path work = dir.resolve("work");
        Files.createDirectories(work.resolve("plans"));
        Files.createDirectories(work.resolve("zones"));
        Files.writeString(work.resolve("notes.txt"), "not a plan\n");
        Files.writeString(work.resolve("plan.yaml"), """
                name: web
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                phases:
                  - { id: lower, at: T-72h, action: lower-ttl }
                  - { id: switch-web, at: T, action: swap }
                  - { id: switch-mail, at: T+1h, action: swap }
                """);
        Files.writeString(work.resolve("standard.yml"), "name: std\n");
        Files.writeString(work.resolve("broken.yaml"), "name: [unclosed\n");
    }

    /** What bash offers for the words typed; the last word is the one being completed. */
    static List<String> complete(String... words) throws Exception {
        StringBuilder w = new StringBuilder();
        for (String s : words) w.append(" '").append(s).append("'");
        String cmd = "source '" + script + "' && COMP_WORDS=(" + w + ") && COMP_CWORD=" + (words.length - 1)
                + " && _migrate && printf '%s\\n' \"${COMPREPLY[@]}\"";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd).directory(dir.resolve("work").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(err)).as("stderr of the completion").isEmpty();
        List<String> lines = new ArrayList<>(out.lines().filter(l -> !l.isEmpty()).toList());
        lines.sort(null);
        return lines;
    }

    @Test
    void theScriptRegistersTheFunctionForMigrate() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source '" + script + "' && complete -p migrate");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).isEqualTo("complete -F _migrate migrate");
    }

    @Test
    void commandsAndTheirOptions() throws Exception {
        assertThat(complete("migrate", "ap")).containsExactly("apply", "approve");
        assertThat(complete("migrate", "")).contains("plan", "apply", "rollback", "status", "init", "schema",
                "generate-completion").doesNotContain("complete-phases");
        assertThat(complete("migrate", "apply", "--d")).containsExactly("--dry-run");
        assertThat(complete("migrate", "plan", "plan.yaml", "--o")).containsExactly("--output");
        assertThat(complete("migrate", "--n")).containsExactly("--no-color");
    }

    @Test
    void planFilesAndDirectoriesButNotOtherFiles() throws Exception {
        assertThat(complete("migrate", "apply", "")).containsExactly("broken.yaml", "plan.yaml", "plans/", "standard.yml",
                "zones/");
        assertThat(complete("migrate", "status", "pl")).containsExactly("plan.yaml", "plans/");
        assertThat(complete("migrate", "--no-color", "status", "st")).containsExactly("standard.yml");
    }

    @Test
    void phaseIdsOfThePlanOnTheLine() throws Exception {
        assertThat(complete("migrate", "apply", "plan.yaml", "--phase", "")).containsExactly("lower", "switch-mail", "switch-web");
        assertThat(complete("migrate", "apply", "plan.yaml", "--phase", "switch-w")).containsExactly("switch-web");
        assertThat(complete("migrate", "apply", "plan.yaml", "--phase", "=", "sw")).containsExactly("switch-mail", "switch-web");
        assertThat(complete("migrate", "approve", "plan.yaml", "")).containsExactly("lower", "switch-mail", "switch-web");
        assertThat(complete("migrate", "apply", "--dry-run", "plan.yaml", "--phase", "l")).containsExactly("lower");
        assertThat(complete("migrate", "rollback", "plan.yaml", "--to", "switch-")).containsExactly("switch-mail", "switch-web");
        // init's --to is an address, not a phase: nothing is offered for it
        assertThat(Files.readString(script)).contains("rollback:--to)").doesNotContain("init:--to)");
        // a plan without phases: the standard timeline
        assertThat(complete("migrate", "approve", "standard.yml", "")).containsExactly("confirm", "lower-ttl", "restore-ttl",
                "swap", "verify");
        // nothing (and no noise) for a broken or a missing plan
        assertThat(complete("migrate", "approve", "broken.yaml", "")).isEmpty();
        assertThat(complete("migrate", "approve", "missing.yaml", "")).isEmpty();
    }

    @Test
    void optionValues() throws Exception {
        assertThat(complete("migrate", "status", "plan.yaml", "--output", "")).containsExactly("json", "text");
        assertThat(complete("migrate", "status", "plan.yaml", "-o", "j")).containsExactly("json");
        assertThat(complete("migrate", "generate-completion", "")).containsExactly("bash", "zsh");
        assertThat(complete("migrate", "status", "plan.yaml", "--state-dir", "")).containsExactly("plans", "zones");
        assertThat(complete("migrate", "plan", "plan.yaml", "--now", "")).isEmpty();
    }
}
