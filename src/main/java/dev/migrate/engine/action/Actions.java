package dev.migrate.engine.action;

import dev.migrate.plan.Action;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every action, listed once. Adding an action is a word in {@link Action} and a class here; a test checks
 * that no word is left without its class.
 */
public final class Actions {
    private static final Map<Action, PhaseAction> BY_WORD = new EnumMap<>(Action.class);

    static {
        BY_WORD.put(Action.LOWER_TTL, new LowerTtl());
        BY_WORD.put(Action.VERIFY, new Verify());
        BY_WORD.put(Action.SWAP, new Swap());
        BY_WORD.put(Action.CONFIRM, new Confirm());
        BY_WORD.put(Action.RESTORE_TTL, new RestoreTtl());
        BY_WORD.put(Action.RUN, new RunCommand());
    }

    private Actions() {}

    public static PhaseAction of(Action a) {
        PhaseAction action = BY_WORD.get(a);
        if (action == null) throw new IllegalStateException("no class runs the action " + a);
        return action;
    }
}
