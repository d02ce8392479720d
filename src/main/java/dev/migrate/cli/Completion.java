package dev.migrate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A shell completion script written from the command definitions, so it never lists a command or option
 * that does not exist. It completes subcommands, each command's options, plan files (directories and
 * {@code *.yaml}/{@code *.yml}), the values of enum options, directories for {@code DIR} options, and phase
 * ids of the plan on the line (by asking {@code migrate complete-phases PLAN}) wherever a phase is wanted:
 * an option named {@code --phase}, or any option or parameter labelled {@code PHASE} ({@code rollback --to}).
 *
 * <p>One script serves bash and zsh (zsh through its bash completion emulation, {@code bashcompinit}); it
 * uses nothing zsh lacks except {@code compopt}, which it calls only where it exists.
 */
final class Completion {
    private Completion() {}

    /**
     * Options whose value is a phase id of the plan given whatever their label (apply --phase ID); others say
     * so by their label (rollback --to PHASE). A name alone is not enough: init's --to is an address.
     */
    static final Set<String> PHASE_OPTIONS = Set.of("--phase");

    /** What to offer for one option value or positional parameter. */
    enum Kind { NONE, PLAN, PHASE, DIRECTORY, FILE, WORDS }

    static Kind kind(ArgSpec a) {
        String label = a.paramLabel() == null ? "" : a.paramLabel().replaceAll("[<>]", "");
        if (a instanceof OptionSpec o && o.names().length > 0
                && java.util.Arrays.stream(o.names()).anyMatch(PHASE_OPTIONS::contains)) return Kind.PHASE;
        if (label.equals("PHASE")) return Kind.PHASE;
        if (label.equals("PLAN")) return Kind.PLAN;
        if (a.completionCandidates() != null && a.completionCandidates().iterator().hasNext()) return Kind.WORDS;
        Class<?> t = a.typeInfo().getType();
        if (t == Path.class || t == java.io.File.class) return label.equals("DIR") ? Kind.DIRECTORY : Kind.FILE;
        return Kind.NONE;
    }

    static String script(CommandSpec root, String shell) {
        String name = root.name();
        String fn = "_" + name.replaceAll("[^A-Za-z0-9_]", "_");
        StringBuilder s = new StringBuilder();
        if (shell.equals("zsh")) {
            s.append("#compdef ").append(name).append('\n');
            s.append("# zsh completion for ").append(name).append(": in ~/.zshrc, source <(").append(name)
                    .append(" generate-completion zsh)\n");
            s.append("autoload -U +X compinit && compinit -u\nautoload -U +X bashcompinit && bashcompinit\n");
        } else {
            s.append("# bash completion for ").append(name).append(": in ~/.bashrc, source <(").append(name)
                    .append(" generate-completion)\n");
        }
        s.append("# Written by '").append(name).append(" generate-completion' from the command definitions.\n\n");

        Map<String, CommandSpec> subs = new LinkedHashMap<>();
        root.subcommands().forEach((n, cl) -> {
            if (!cl.getCommandSpec().usageMessage().hidden()) subs.put(n, cl.getCommandSpec());
        });

        s.append(fn).append("_words() {\n");
        s.append("    COMPREPLY+=( $(compgen -W \"$1\" -- \"$cur\") )\n}\n\n");

        s.append(fn).append("_plans() {\n");
        s.append("    local f\n");
        s.append("    while IFS= read -r f; do\n");
        s.append("        if [ -d \"$f\" ]; then COMPREPLY+=( \"$f/\" )\n");
        s.append("        else case \"$f\" in *.yaml|*.yml) COMPREPLY+=( \"$f\" ) ;; esac; fi\n");
        s.append("    done < <(compgen -f -- \"$cur\")\n");
        s.append("    [ ${#COMPREPLY[@]} -eq 1 ] && [ -d \"${COMPREPLY[0]%/}\" ] && type compopt >/dev/null 2>&1 && compopt -o nospace 2>/dev/null\n");
        s.append("}\n\n");

        s.append(fn).append("_files() {\n");
        s.append("    local IFS=$'\\n'\n");
        s.append("    COMPREPLY+=( $(compgen -").append("${1:-f}").append(" -- \"$cur\") )\n");
        s.append("    type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null\n}\n\n");

        s.append("# the phase ids of the plan given on the line (nothing when there is none or it cannot be read)\n");
        s.append(fn).append("_phases() {\n");
        s.append("    local plan=\"$1\"\n");
        s.append("    plan=\"${plan/#\\~/$HOME}\"\n");
        s.append("    [ -f \"$plan\" ] || return 0\n");
        s.append("    ").append(fn).append("_words \"$(\"${COMP_WORDS[0]/#\\~/$HOME}\" complete-phases \"$plan\" 2>/dev/null)\"\n");
        s.append("}\n\n");

        s.append(fn).append("() {\n");
        s.append("    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" cmd=\"\" plan=\"\" i w n=0 takes=\"\"\n");
        s.append("    COMPREPLY=()\n");
        s.append("    [ \"$COMP_CWORD\" -gt 0 ] && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n");
        s.append("    # --opt=value: bash splits it at '=' (COMP_WORDBREAKS)\n");
        s.append("    if [ \"$prev\" = \"=\" ] && [ \"$COMP_CWORD\" -gt 1 ]; then prev=\"${COMP_WORDS[COMP_CWORD-2]}\"; fi\n");
        s.append("    if [ \"$cur\" = \"=\" ]; then cur=\"\"; fi\n");
        s.append("    # the command, the plan and how many parameters come before the word being completed\n");
        s.append("    for (( i=1; i < COMP_CWORD; i++ )); do\n");
        s.append("        w=\"${COMP_WORDS[i]}\"\n");
        s.append("        if [ \"$w\" = \"=\" ]; then continue; fi\n");
        s.append("        if [ -n \"$takes\" ]; then takes=\"\"; continue; fi\n");
        s.append("        case \"$w\" in\n");
        s.append("            -*=*) ;;\n");
        s.append("            -*) case \" $(").append(fn).append("_valued \"$cmd\") \" in *\" $w \"*) takes=1 ;; esac ;;\n");
        s.append("            *) if [ -z \"$cmd\" ]; then cmd=\"$w\"; else [ $n -eq 0 ] && plan=\"$w\"; n=$((n+1)); fi ;;\n");
        s.append("        esac\n");
        s.append("    done\n");
        s.append("    if [ -z \"$cmd\" ]; then\n");
        s.append("        case \"$cur\" in\n");
        s.append("            -*) ").append(fn).append("_words \"").append(optionWords(root)).append("\" ;;\n");
        s.append("            *) ").append(fn).append("_words \"").append(String.join(" ", subs.keySet())).append("\" ;;\n");
        s.append("        esac\n");
        s.append("        return 0\n");
        s.append("    fi\n");
        s.append("    # the value of an option\n");
        s.append("    case \" $(").append(fn).append("_valued \"$cmd\") \" in\n");
        s.append("        *\" $prev \"*)\n");
        s.append("            case \"$cmd:$prev\" in\n");
        for (Map.Entry<String, CommandSpec> e : subs.entrySet()) {
            for (OptionSpec o : e.getValue().options()) {
                if (o.arity().max() == 0) continue;
                String action = action(fn, kind(o), o);
                if (action == null) continue;
                s.append("                ");
                List<String> pats = new ArrayList<>();
                for (String n : o.names()) pats.add(e.getKey() + ":" + n);
                s.append(String.join("|", pats)).append(") ").append(action).append(" ;;\n");
            }
        }
        s.append("            esac\n");
        s.append("            return 0 ;;\n");
        s.append("    esac\n");
        s.append("    case \"$cur\" in\n");
        s.append("        -*)\n");
        s.append("            case \"$cmd\" in\n");
        for (Map.Entry<String, CommandSpec> e : subs.entrySet()) {
            s.append("                ").append(e.getKey()).append(") ").append(fn).append("_words \"")
                    .append(optionWords(e.getValue())).append("\" ;;\n");
        }
        s.append("            esac\n");
        s.append("            return 0 ;;\n");
        s.append("    esac\n");
        s.append("    # a parameter: by its position\n");
        s.append("    case \"$cmd:$n\" in\n");
        for (Map.Entry<String, CommandSpec> e : subs.entrySet()) {
            for (PositionalParamSpec p : e.getValue().positionalParameters()) {
                String action = action(fn, kind(p), p);
                if (action == null) continue;
                int from = p.index().min();
                int to = p.index().isUnspecified() || p.index().max() == Integer.MAX_VALUE ? from : p.index().max();
                List<String> pats = new ArrayList<>();
                for (int i = from; i <= to; i++) pats.add(e.getKey() + ":" + i);
                s.append("        ").append(String.join("|", pats)).append(") ").append(action).append(" ;;\n");
            }
        }
        s.append("    esac\n");
        s.append("    return 0\n");
        s.append("}\n\n");

        s.append("# the options of a command that take a value\n");
        s.append(fn).append("_valued() {\n");
        s.append("    case \"$1\" in\n");
        for (Map.Entry<String, CommandSpec> e : subs.entrySet()) {
            List<String> valued = new ArrayList<>();
            for (OptionSpec o : e.getValue().options()) if (o.arity().max() > 0) valued.addAll(List.of(o.names()));
            s.append("        ").append(e.getKey()).append(") echo \"").append(String.join(" ", valued)).append("\" ;;\n");
        }
        List<String> rootValued = new ArrayList<>();
        for (OptionSpec o : root.options()) if (o.arity().max() > 0) rootValued.addAll(List.of(o.names()));
        s.append("        *) echo \"").append(String.join(" ", rootValued)).append("\" ;;\n");
        s.append("    esac\n");
        s.append("}\n\n");
        s.append("complete -F ").append(fn).append(' ').append(name).append('\n');
        return s.toString();
    }

    private static String action(String fn, Kind kind, ArgSpec a) {
        return switch (kind) {
            case PLAN -> fn + "_plans";
            case PHASE -> fn + "_phases \"$plan\"";
            case DIRECTORY -> fn + "_files d";
            case FILE -> fn + "_files f";
            case WORDS -> {
                List<String> words = new ArrayList<>();
                a.completionCandidates().forEach(words::add);
                yield fn + "_words \"" + String.join(" ", words) + "\"";
            }
            case NONE -> null;
        };
    }

    private static String optionWords(CommandSpec spec) {
        Set<String> words = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) continue;
            for (String n : o.names()) if (n.startsWith("--")) words.add(n);
        }
        return String.join(" ", words);
    }
}
