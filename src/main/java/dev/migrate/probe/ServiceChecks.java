package dev.migrate.probe;

import dev.migrate.plan.CheckSpec;
import java.time.Duration;
import java.util.List;

/** Runs the plan's service checks (verify, and the swap's preflight). */
public interface ServiceChecks {

    List<Result> run(List<CheckSpec> checks) throws InterruptedException;

    /**
     * @param detail for a pass what was seen (status, latency, certificate names and days left); for a
     *               failure the reason, in an operator's words
     */
    record Result(String id, boolean passed, String detail, Duration latency) {}

    /** No checks configured: everything passes. */
    ServiceChecks NONE = checks -> checks.stream().map(c -> new Result(c.id(), false,
            "no service-check runner is installed", Duration.ZERO)).toList();
}
