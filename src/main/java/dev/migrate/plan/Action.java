package dev.migrate.plan;

import java.util.Arrays;
import java.util.List;

/** What a phase does, in the words plan files use. */
public enum Action {
    LOWER_TTL("lower-ttl", true),
    VERIFY("verify", false),
    SWAP("swap", true),
    CONFIRM("confirm", false),
    RESTORE_TTL("restore-ttl", true),
    /** Runs a command the plan names (flush caches, copy mailboxes, switch the old server to a proxy). */
    RUN("run", false);

    private final String word;
    private final boolean changesDns;

    Action(String word, boolean changesDns) {
        this.word = word;
        this.changesDns = changesDns;
    }

    public String word() {
        return word;
    }

    public boolean changesDns() {
        return changesDns;
    }

    public static Action fromWord(String w) {
        for (Action a : values()) if (a.word.equals(w)) return a;
        return null;
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(Action::word).toList();
    }

    @Override
    public String toString() {
        return word;
    }
}
