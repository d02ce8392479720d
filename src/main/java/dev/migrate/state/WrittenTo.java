package dev.migrate.state;

/**
 * Which provider a journaled batch was written to. A plan has one provider; a provider move ({@code move:})
 * has a second, the new one, and while both serve the zones every change goes to each. Recovery and rollback
 * read a batch back and undo it where it was written, so every intent names its provider.
 */
public enum WrittenTo {
    /** The plan's {@code provider:} (where the zones live today). Intents written to it carry no mark. */
    PROVIDER("provider"),
    /** A provider move's new provider, {@code move.to}. */
    MOVE_TO("move.to");

    private final String word;

    WrittenTo(String word) {
        this.word = word;
    }

    /** The word the plan file uses for it: {@code provider}, {@code move.to}. */
    public String word() {
        return word;
    }

    @Override
    public String toString() {
        return word;
    }
}
