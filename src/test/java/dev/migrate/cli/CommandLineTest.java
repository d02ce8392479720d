package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

/** The command line as a newcomer meets it: version, help in whole sentences, unknown commands, colour. */
class CommandLineTest {
    static final Path PROJECT = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath().normalize();

    @Test
    void versionIsTheBuildsVersion() throws Exception {
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        String version = pom.substring(pom.indexOf("<version>") + 9, pom.indexOf("</version>"));
        Cli.Run r = Cli.migrate("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo("migrate " + version);
    }

    @Test
    void anUnknownCommandListsTheCommands() {
        Cli.Run r = Cli.migrate("aply", "plans/example.yaml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("migrate: unknown command 'aply'; commands are plan, rehearse, apply, rollback, status,"
                + " approve, log, check, providers, init, schema, state, generate-completion, help (did you mean 'apply'?)")
                .contains("Try 'migrate --help'.")
                .doesNotContain("complete-phases").doesNotContain("Unmatched argument");
        assertThat(Cli.migrate("frobnicate").err()).contains("unknown command 'frobnicate'; commands are plan,")
                .doesNotContain("did you mean");
        // an unknown option is still picocli's message
        assertThat(Cli.migrate("--frobnicate").err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void everyCommandSummaryInHelpIsAWholeSentence() {
        String help = Cli.migrate("--help").out();
        CommandSpec root = Main.commandLine().getCommandSpec();
        root.subcommands().forEach((name, cl) -> {
            if (cl.getCommandSpec().usageMessage().hidden()) return;
            String summary = HelpText.summary(cl.getCommandSpec());
            assertThat(summary).as(name).matches("[A-Z].*[.)]$");
            // the summary as help shows it, rewrapped: the whole sentence is there
            assertThat(help.replaceAll("\\s+", " ")).as(name).contains(name + " " + summary);
        });
        // and a command's own help runs its lines on until a sentence ends
        String approve = Cli.migrate("approve", "--help").out().replaceAll("\\s+", " ");
        assertThat(approve).contains("Record that PHASE may run. The approval is for this exact plan file: if the file"
                + " changes, the phase needs approving again.");
    }

    @Test
    void paragraphsJoinLinesUntilASentenceEnds() {
        assertThat(HelpText.paragraphs(new String[] {"Run every phase whose time has come and that has not run yet,",
                "in order.", "Safe to run again.", "", "Exit 0."}))
                .containsExactly("Run every phase whose time has come and that has not run yet, in order.", "Safe to run again.",
                        "", "Exit 0.");
    }

    @Test
    void colourIsDecidedByTerminalNoColorAndTheFlag() {
        assertThat(Colour.decide(true, Map.of(), false).enabled()).isTrue();
        assertThat(Colour.decide(false, Map.of(), false).enabled()).isFalse();
        assertThat(Colour.decide(true, Map.of("NO_COLOR", "1"), false).enabled()).isFalse();
        assertThat(Colour.decide(true, Map.of("NO_COLOR", ""), false).enabled()).isTrue(); // no-color.org: set and non-empty
        assertThat(Colour.decide(true, Map.of("TERM", "dumb"), false).enabled()).isFalse();
        assertThat(Colour.decide(true, Map.of(), true).enabled()).isFalse();

        Colour on = Colour.decide(true, Map.of(), false);
        assertThat(on.state("done")).isEqualTo("\033[32mdone\033[0m");
        assertThat(on.state("blocked")).isEqualTo("\033[33mblocked\033[0m");
        assertThat(on.state("failed")).isEqualTo("\033[31mfailed\033[0m");
        assertThat(on.state("pending")).isEqualTo("pending");
        assertThat(on.state("done", 8)).isEqualTo("\033[32mdone    \033[0m");
        assertThat(Colour.NONE.state("failed", 8)).isEqualTo("failed  ");
    }

    /** migrate plan under a real pseudo-terminal (script(1)), then piped, then with NO_COLOR and --no-color. */
    @Test
    void colourOnATerminalOnlyAndNeverWhenAskedNotTo() throws Exception {
        String plan = PROJECT.resolve("plans/example.yaml").toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' dev.migrate.cli.Main plan '" + plan
                + "' --now 2026-11-22T00:00:00Z";
        assertThat(run(List.of("script", "-qec", cmd, "/dev/null"), Map.of())).contains("(\033[32msafe\033[0m, 2d 19h to spare)");
        assertThat(run(List.of("script", "-qec", cmd + " --no-color", "/dev/null"), Map.of())).contains("(safe, 2d 19h to spare)")
                .doesNotContain("\033[");
        assertThat(run(List.of("script", "-qec", cmd, "/dev/null"), Map.of("NO_COLOR", "1"))).contains("(safe, 2d 19h to spare)")
                .doesNotContain("\033[");
        assertThat(run(List.of("sh", "-c", cmd + " | cat"), Map.of())).contains("(safe, 2d 19h to spare)").doesNotContain("\033[");
    }

    private static String run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().remove("NO_COLOR");
        pb.environment().remove("MIGRATE_NOW");
        pb.environment().put("TERM", "xterm");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
