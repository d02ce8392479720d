package dev.migrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the files the release archive installs beside the jar, from the command definitions: the man pages
 * ({@code share/man/man1}) and the completion scripts for bash ({@code share/bash-completion/completions/migrate},
 * where bash-completion finds it) and zsh ({@code share/migrate/completion.zsh}, to source). The build runs it
 * (exec-maven-plugin, prepare-package) with the output directory as its argument.
 */
public final class ReleaseFiles {
    private ReleaseFiles() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "target/release-files");
        Path man = root.resolve("share/man/man1");
        Files.createDirectories(man);
        picocli.CommandLine cl = Main.commandLine();
        for (Map.Entry<String, String> page : ManPages.pages(cl).entrySet()) {
            Files.writeString(man.resolve(page.getKey()), page.getValue());
        }
        Path bash = root.resolve("share/bash-completion/completions/migrate");
        Files.createDirectories(bash.getParent());
        Files.writeString(bash, Completion.script(cl.getCommandSpec(), "bash"));
        Path zsh = root.resolve("share/migrate/completion.zsh");
        Files.createDirectories(zsh.getParent());
        Files.writeString(zsh, Completion.script(cl.getCommandSpec(), "zsh"));
    }
}
