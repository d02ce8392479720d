package dev.migrate.engine;

import java.util.List;

/**
 * Tells people about a migration (the plan's {@code notify:} webhooks). The engine hands it each
 * {@link Notice} on a thread of its own and journals what it answers; a notice that cannot be delivered
 * never holds up, blocks or fails a phase.
 */
public interface Notifier {

    /**
     * Delivers one notice to every target, each within a bounded time (timeouts, a few tries). Never throws
     * for a failed delivery: that is a {@link Delivery} with {@code delivered} false.
     */
    List<Delivery> deliver(Notice notice) throws InterruptedException;

    /**
     * @param target where, safe to print (names the variable or file the URL comes from, never the URL)
     * @param error  why it was not delivered, or null
     */
    record Delivery(String target, boolean delivered, int attempts, String error) {}

    Notifier NONE = n -> List.of();
}
