package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanLoader;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code apply --wait} sleeps until each phase, but with webhooks it wakes an hour before the swap to tell them. */
class WaitWakesForTheSwapReminderTest {
    static final String PLAN = """
            name: wake
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            """;
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));

    static Plan plan(String more) throws Exception {
        return LOADER.load(new StringReader(PLAN + more), Path.of("wake.yaml"));
    }

    @Test
    void withWebhooksTheSwapRoundIsPrecededByOneAnHourEarlier() throws Exception {
        Plan p = plan("notify: [ { webhookEnv: HOOK, format: json } ]\n");
        Timeline t = Timeline.of(p);
        ScheduledPhase swap = t.phase("swap").orElseThrow();
        ScheduledPhase verify = t.phase("verify").orElseThrow();
        Instant T = Instant.parse("2026-12-01T02:00:00Z");
        assertThat(ApplyCommand.notifyWakeUp(p, t, next(swap), T.minusSeconds(86_400))).isEqualTo(T.minusSeconds(3600));
        assertThat(ApplyCommand.notifyWakeUp(p, t, next(swap), T.minusSeconds(3600))).isEqualTo(T);
        assertThat(ApplyCommand.notifyWakeUp(p, t, next(verify), T.minusSeconds(200_000))).isEqualTo(verify.at());
        Plan quiet = plan("");
        assertThat(ApplyCommand.notifyWakeUp(quiet, Timeline.of(quiet), next(swap), T.minusSeconds(86_400))).isEqualTo(T);
    }

    static dev.migrate.engine.Scheduler.Next next(ScheduledPhase p) {
        return new dev.migrate.engine.Scheduler.Next(p.id(), p.at());
    }
}
