package dev.migrate.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages in man(7) form, written from the command definitions at build time: {@code migrate(1)} and one
 * page per command ({@code migrate-apply(1)}, ...), with the same whole-sentence text as {@code --help}.
 * {@link ReleaseFiles} writes them at build time; the release archive installs them.
 */
final class ManPages {
    private ManPages() {}

    /** File name to page text. */
    static Map<String, String> pages(CommandLine root) {
        Map<String, String> out = new LinkedHashMap<>();
        CommandSpec r = root.getCommandSpec();
        String version = Main.Version.version();
        List<String> all = new ArrayList<>();
        visible(r).forEach((name, spec) -> all.add(r.name() + "-" + name));
        out.put(r.name() + ".1", page(r, r.name(), version, all, r));
        visible(r).forEach((name, spec) -> {
            List<String> see = new ArrayList<>(List.of(r.name()));
            out.put(r.name() + "-" + name + ".1", page(spec, r.name() + "-" + name, version, see, r));
        });
        return out;
    }

    private static Map<String, CommandSpec> visible(CommandSpec spec) {
        Map<String, CommandSpec> m = new LinkedHashMap<>();
        spec.subcommands().forEach((n, cl) -> {
            CommandSpec s = cl.getCommandSpec();
            if (!s.usageMessage().hidden() && !(cl.getCommand() instanceof CommandLine.HelpCommand)) m.put(n, s);
        });
        return m;
    }

    private static String page(CommandSpec spec, String title, String version, List<String> seeAlso, CommandSpec root) {
        StringBuilder p = new StringBuilder();
        p.append(".\\\" Written by the migrate build from the command definitions; do not edit.\n");
        p.append(".TH ").append(title.toUpperCase(Locale.ROOT).replace("-", "\\-")).append(" 1 \"\" \"migrate ")
                .append(esc(version)).append("\" \"migrate manual\"\n");
        p.append(".SH NAME\n").append(title.replace("-", "\\-")).append(" \\- ")
                .append(esc(lowerFirst(HelpText.summary(spec)))).append('\n');

        p.append(".SH SYNOPSIS\n");
        String synopsis = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF)).synopsis(0).strip();
        p.append(".nf\n").append(line(synopsis.replaceAll("\\s*\\R\\s+", "\n    "))).append("\n.fi\n");

        p.append(".SH DESCRIPTION\n");
        for (String para : HelpText.paragraphs(spec.usageMessage().description())) {
            if (para.isBlank()) continue;
            p.append(".PP\n").append(line(para.replace("%n", " "))).append('\n');
        }

        if (spec == root) {
            p.append(".SH COMMANDS\n");
            visible(spec).forEach((name, sub) -> p.append(".TP\n\\fB").append(esc(spec.name())).append(' ').append(esc(name))
                    .append("\\fR(1)\n").append(line(HelpText.summary(sub))).append('\n'));
        }

        if (!spec.positionalParameters().isEmpty()) {
            p.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec a : spec.positionalParameters()) {
                if (a.hidden()) continue;
                p.append(".TP\n\\fI").append(esc(a.paramLabel())).append("\\fR\n")
                        .append(line(String.join(" ", a.description()))).append('\n');
            }
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            p.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                p.append(".TP\n");
                List<String> names = new ArrayList<>();
                for (String n : o.names()) names.add("\\fB" + esc(n) + "\\fR");
                p.append(String.join(", ", names));
                if (o.arity().max() > 0) p.append("=\\fI").append(esc(o.paramLabel())).append("\\fR");
                p.append('\n').append(line(String.join(" ", o.description()))).append('\n');
            }
        }
        String[] footer = root.usageMessage().footer();
        List<String> exit = HelpText.paragraphs(footer).stream().filter(s -> !s.isBlank()).toList();
        if (!exit.isEmpty()) {
            p.append(".SH EXIT STATUS\n");
            for (String e : exit) p.append(".PP\n").append(line(e)).append('\n');
        }
        p.append(".SH ENVIRONMENT\n");
        p.append(".TP\n\\fBMIGRATE_NOW\\fR\nPretend it is this instant (as \\fB\\-\\-now\\fR).\n");
        p.append(".TP\n\\fBMIGRATE_STATE_DIR\\fR\nWhere plans keep their journal and lock (as \\fB\\-\\-state\\-dir\\fR).\n");
        p.append(".TP\n\\fBNO_COLOR\\fR\nNo colour when set to anything (as \\fB\\-\\-no\\-color\\fR).\n");
        p.append(".TP\n\\fBMIGRATE_JAVA_OPTS\\fR\nOptions for the Java virtual machine that runs migrate.\n");
        p.append(".SH SEE ALSO\n");
        List<String> refs = new ArrayList<>();
        for (String s : seeAlso) refs.add("\\fB" + s.replace("-", "\\-") + "\\fR(1)");
        p.append(String.join(",\n", refs)).append('\n');
        return p.toString();
    }

    private static String lowerFirst(String s) {
        if (s.isEmpty() || s.length() > 1 && Character.isUpperCase(s.charAt(1))) return s;
        String t = Character.toLowerCase(s.charAt(0)) + s.substring(1);
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    /** Text for one input line: escaped, and never starting with a control character ('.' or '\''). */
    private static String line(String s) {
        String e = esc(s);
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e.replace("\n.", "\n\\&.").replace("\n'", "\n\\&'");
    }

    /** Backslashes and hyphens as troff wants them (a '-' in an option must stay a minus sign). */
    static String esc(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }
}
