package dev.migrate.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}. */
public final class OutputOptions {
    public enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    Format output = Format.text;

    public boolean json() {
        return output == Format.json;
    }
}
