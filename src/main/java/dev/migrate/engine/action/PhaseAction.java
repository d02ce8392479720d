package dev.migrate.engine.action;

import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import java.io.IOException;

/**
 * One operator action ({@code lower-ttl}, {@code verify}, {@code swap}, ...): what it does when its phase
 * runs, and what it would do (the dry run). Every side effect goes through {@link PhaseRun}; a preview has
 * none. A failure the operator must act on is an {@link EngineException} carrying its verdict.
 */
public interface PhaseAction {

    PhaseOutcome run(PhaseRun run) throws IOException, EngineException;

    PhaseOutcome preview(PhasePreview preview) throws EngineException;
}
