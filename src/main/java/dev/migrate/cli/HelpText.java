package dev.migrate.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help text in whole sentences. A command's description is written as several source lines; picocli shows
 * each as its own line and lists a subcommand by its first line only, which cut summaries mid-sentence
 * ("Record that PHASE may run. The approval is for this exact plan file: if the file changes,"). Here a
 * line that does not end a sentence runs on into the next, and the command list shows each command's
 * first whole sentence. The man pages use the same text.
 */
final class HelpText {
    private HelpText() {}

    /** Installs the renderers on {@code cl} and every subcommand. */
    static void install(CommandLine cl) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = cl.getHelpSectionMap();
        sections.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> paragraphs(help, help.commandSpec().usageMessage().description()));
        sections.put(UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> paragraphs(help, help.commandSpec().usageMessage().footer()));
        sections.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpText::commandList);
        cl.setHelpSectionMap(sections);
        for (CommandLine sub : cl.getSubcommands().values()) install(sub);
    }

    /** The description as paragraphs: source lines joined until one ends a sentence (or is empty). */
    static List<String> paragraphs(String[] lines) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String l : lines) {
            String t = l.strip();
            if (t.isEmpty()) {
                if (cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
                out.add("");
                continue;
            }
            if (cur.length() > 0) cur.append(' ');
            cur.append(t);
            if (endsSentence(t)) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /** A command's one-line summary: its header when it has one (picocli's own commands), else its first sentence. */
    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        String[] lines = header.length > 0 ? header : spec.usageMessage().description();
        String all = String.join(" ", paragraphs(lines)).replace("%n", " ").strip();
        for (int i = all.indexOf(". "); i >= 0; i = all.indexOf(". ", i + 1)) {
            String before = all.substring(0, i);
            if (before.endsWith("e.g") || before.endsWith("i.e") || before.endsWith("etc")) continue;
            return all.substring(0, i + 1);
        }
        return all;
    }

    private static boolean endsSentence(String line) {
        char c = line.charAt(line.length() - 1);
        return c == '.' || c == '!' || c == '?';
    }

    private static String paragraphs(Help help, String[] lines) {
        if (lines.length == 0) return "";
        List<String> ps = paragraphs(lines);
        return Help.join(help.ansi(), help.commandSpec().usageMessage().width(),
                help.commandSpec().usageMessage().adjustLineBreaksForWideCJKCharacters(),
                ps.toArray(String[]::new), new StringBuilder()).toString();
    }

    private static String commandList(Help help) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (Map.Entry<String, Help> e : help.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().commandSpec();
            if (sub.usageMessage().hidden()) continue;
            rows.put(e.getKey(), summary(sub));
        }
        if (rows.isEmpty()) return "";
        return help.createTextTable(rows).toString(); // the table holds the rows already
    }
}
