package dev.migrate.plan;

import java.util.Arrays;
import java.util.List;

/**
 * What a phase does, in the words plan files use. {@code changesDns}: it writes to the zones at the plan's
 * provider (the preview simulates it there).
 */
public enum Action {
    LOWER_TTL("lower-ttl", true),
    VERIFY("verify", false),
    SWAP("swap", true),
    CONFIRM("confirm", false),
    RESTORE_TTL("restore-ttl", true),
    /** Runs a command the plan names (flush caches, copy mailboxes, switch the old server to a proxy). */
    RUN("run", false),
    // A provider move (the plan's move: block). copy-zone writes to the new provider, not the plan's.
    /** Fill the zone at {@code move.to} with the old zone's RRsets (its own SOA and apex NS excepted). */
    COPY_ZONE("copy-zone", false),
    /** Every address of every new nameserver serves exactly the old zone's data (AA, data and TTL). */
    COMPARE("compare", false),
    /** The delegation moves to {@code move.nameservers} at the registrar (the DNSSEC rule is checked first). */
    DELEGATE("delegate", false),
    /** Wait until every parent address delegates to exactly the new NS set. */
    AWAIT_DELEGATION("await-delegation", false),
    /** Let go of the old provider, once parent NS TTL + old child NS TTL + margin have passed since the delegation was seen everywhere. */
    RELEASE_OLD("release-old", false);

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

    /** The actions that only make sense in a plan with a {@code move:} block. */
    public boolean needsMove() {
        return this == COPY_ZONE || this == COMPARE || this == DELEGATE || this == AWAIT_DELEGATION || this == RELEASE_OLD;
    }

    /** A plan may hold this action in several phases (a check, a swap step, a command); the others run once. */
    public boolean repeatable() {
        return this == VERIFY || this == CONFIRM || this == COMPARE || this == SWAP || this == RUN;
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
