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
        BY_WORD.put(Action.COPY_ZONE, new CopyZone());
        BY_WORD.put(Action.COMPARE, new Compare());
        BY_WORD.put(Action.DELEGATE, new Delegate());
        BY_WORD.put(Action.AWAIT_DELEGATION, new AwaitDelegation());
        BY_WORD.put(Action.RELEASE_OLD, new ReleaseOld());
    }

    private Actions() {}

    public static PhaseAction of(Action a) {
        PhaseAction action = BY_WORD.get(a);
        if (action == null) throw new IllegalStateException("no class runs the action " + a);
        return action;
    }
}
