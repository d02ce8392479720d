package dev.migrate.testing;

import dev.migrate.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process, as an operator would type it, and keeps what it printed. */
public final class Cli {
    private Cli() {}

    /** Exit code, standard output and standard error of one command. */
    public record Run(int code, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public static Run migrate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
