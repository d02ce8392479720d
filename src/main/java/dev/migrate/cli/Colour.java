package dev.migrate.cli;

import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Colour for states and verdicts on a terminal: green for what is done or matches, yellow for what is held
 * or waiting, red for what failed. None when the output is not a terminal (a pipe, a log, cron), when
 * {@code NO_COLOR} is set to anything non-empty (no-color.org), when {@code TERM=dumb}, or with
 * {@code --no-color}. Renderers call {@link #state} with the word they print; JSON output never uses it.
 */
public final class Colour {
    /** Plain text: what every renderer gets unless {@code Main} decided on colour. */
    public static final Colour NONE = new Colour(false);
    static final Colour ANSI = new Colour(true);

    private static final String GREEN = "\033[32m";
    private static final String YELLOW = "\033[33m";
    private static final String RED = "\033[31m";
    private static final String BOLD = "\033[1m";
    private static final String RESET = "\033[0m";

    /** Words of phase states, outcomes, probe states and verdicts, by the colour they get. */
    private static final Set<String> GOOD = Set.of("done", "match", "passed", "safe", "ok", "confirmed", "approved");
    private static final Set<String> HELD = Set.of("blocked", "held", "waiting", "would run", "due", "running",
            "not-yet", "stale", "rolled-back", "rolled back", "approval required");
    private static final Set<String> BAD = Set.of("failed", "error", "unreachable", "refused", "lame", "unsafe",
            "UNSAFE");

    private final boolean on;

    private Colour(boolean on) {
        this.on = on;
    }

    /**
     * The decision, as a pure function: colour only on a terminal, and neither {@code NO_COLOR} (any
     * non-empty value), {@code TERM=dumb} nor {@code --no-color}.
     */
    static Colour decide(boolean terminal, Map<String, String> env, boolean noColorFlag) {
        String noColor = env.get("NO_COLOR");
        boolean off = noColorFlag || !terminal || noColor != null && !noColor.isEmpty() || "dumb".equals(env.get("TERM"));
        return off ? NONE : ANSI;
    }

    /** What {@code Main} decided for this run; {@link #NONE} for a command run outside {@code Main}. */
    public static Colour of(CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof Main m ? m.colour() : NONE;
    }

    public boolean enabled() {
        return on;
    }

    /** {@code word} in the colour its meaning gets (unknown words stay plain). */
    public String state(String word) {
        return paint(word, colourOf(word));
    }

    /** {@code word} padded to {@code width} first, so that columns line up with or without colour. */
    public String state(String word, int width) {
        return paint(String.format("%-" + width + "s", word), colourOf(word));
    }

    public String good(String text) {
        return paint(text, GREEN);
    }

    public String held(String text) {
        return paint(text, YELLOW);
    }

    public String failed(String text) {
        return paint(text, RED);
    }

    public String bold(String text) {
        return paint(text, BOLD);
    }

    private static String colourOf(String word) {
        String w = word.strip();
        if (GOOD.contains(w)) return GREEN;
        if (HELD.contains(w)) return YELLOW;
        if (BAD.contains(w)) return RED;
        return null;
    }

    private String paint(String text, String code) {
        return on && code != null && !text.isEmpty() ? code + text + RESET : text;
    }
}
