package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.LabBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The man pages the build writes, rendered by the real man(1) (man-db; .ci/install-servers.sh installs it). */
class ManPagesTest {
    @Test
    void onePagePerCommandAndManRendersEachWithoutWarnings(@TempDir Path dir) throws Exception {
        Path man = LabBinaries.require("man");
        ReleaseFiles.main(new String[] {dir.toString()});
        Path pages = dir.resolve("share/man/man1");
        Map<String, String> expected = ManPages.pages(Main.commandLine());
        assertThat(expected.keySet()).contains("migrate.1", "migrate-plan.1", "migrate-apply.1", "migrate-rollback.1",
                "migrate-status.1", "migrate-approve.1", "migrate-check.1", "migrate-init.1", "migrate-schema.1",
                "migrate-generate-completion.1", "migrate-providers.1", "migrate-rehearse.1")
                .doesNotContain("migrate-complete-phases.1", "migrate-help.1");
        try (var s = Files.list(pages)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
        for (String page : expected.keySet()) {
            ProcessBuilder pb = new ProcessBuilder(man.toString(), "--warnings", "-l", pages.resolve(page).toString());
            pb.environment().put("MANWIDTH", "100");
            pb.environment().put("MANPAGER", "cat");
            pb.environment().put("PAGER", "cat");
            Path err = dir.resolve(page + ".err");
            Process p = pb.redirectError(err.toFile()).start();
            String text = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(page + ": " + Files.readString(err)).isZero();
            assertThat(Files.readString(err)).as(page + " warnings").isEmpty();
            assertThat(text).as(page).contains("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "SEE ALSO");
        }
        String apply = render(man, pages.resolve("migrate-apply.1"));
        assertThat(apply).contains("migrate-apply - run every phase whose time has come", "migrate apply [",
                "--phase=ID", "Run only this phase, now (every earlier phase must be done).", "MIGRATE_STATE_DIR",
                "4 blocked (unsafe, drift, or waiting for an approval)", "migrate(1)");
        String root = render(man, pages.resolve("migrate.1"));
        assertThat(root).contains("COMMANDS", "migrate apply(1)", "migrate-apply(1)", "migrate-init(1)");
    }

    private static String render(Path man, Path page) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(man.toString(), "-l", page.toString());
        pb.environment().put("MANWIDTH", "200");
        pb.environment().put("MANPAGER", "cat");
        Process p = pb.redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // man may hyphenate or use Unicode hyphens; compare in plain ASCII
        return text.replace('\u2010', '-').replace('\u2212', '-').replaceAll("[ \\t]+", " ");
    }
}
