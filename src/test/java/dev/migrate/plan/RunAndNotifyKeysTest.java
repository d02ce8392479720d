package dev.migrate.plan;

import static dev.migrate.plan.PlanLoaderTest.GOOD;
import static dev.migrate.plan.PlanLoaderTest.errors;
import static dev.migrate.plan.PlanLoaderTest.load;
import static dev.migrate.plan.PlanLoaderTest.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan keys of {@code action: run} phases and of {@code notify:}: good ones load typed, bad ones say
 * file:line:column. GOOD is 7 lines long: what is appended starts at line 8.
 */
class RunAndNotifyKeysTest {

    @Test
    void aRunPhaseLoadsItsArgvEnvAndTimeoutAndHaltsByDefault() throws Exception {
        Plan p = load(GOOD + """
                phases:
                  - { id: swap, at: T, action: swap }
                  - id: flush
                    at: T+1m
                    action: run
                    command: [rndc, flushname, "www example"]
                    timeout: 90s
                    env:
                      REGION: eu-west
                      TOKEN: { fromEnv: CACHE_TOKEN }
                      PASSWORD: { fromFile: secrets/imap.pw }
                  - { id: copy-mail, at: T+2m, action: run, shell: true, command: "imapsync --a 1 | tee log", onFailure: rollback }
                """);
        PhaseSpec flush = p.phase("flush").orElseThrow();
        assertThat(flush.action()).isEqualTo(Action.RUN);
        assertThat(flush.onFailure()).isEqualTo(OnFailure.HALT);
        assertThat(flush.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(flush.run().argv()).containsExactly("rndc", "flushname", "www example");
        assertThat(flush.run().shell()).isFalse();
        assertThat(flush.run().display()).isEqualTo("rndc flushname 'www example'");
        assertThat(flush.run().env()).containsOnlyKeys("REGION", "TOKEN", "PASSWORD");
        assertThat(flush.run().env().get("REGION")).isEqualTo(new RunSpec.EnvValue.Plain("eu-west"));
        assertThat(flush.run().env().get("TOKEN")).isEqualTo(new RunSpec.EnvValue.FromSecret(SecretRef.env("CACHE_TOKEN")));
        RunSpec.EnvValue.FromSecret file = (RunSpec.EnvValue.FromSecret) flush.run().env().get("PASSWORD");
        assertThat(file.ref().kind()).isEqualTo(SecretRef.Kind.FILE);
        assertThat(file.ref().file()).isEqualTo(p.baseDir().resolve("secrets/imap.pw"));
        PhaseSpec copy = p.phase("copy-mail").orElseThrow();
        assertThat(copy.run().shell()).isTrue();
        assertThat(copy.run().argv()).containsExactly("imapsync --a 1 | tee log");
        assertThat(copy.onFailure()).isEqualTo(OnFailure.ROLLBACK);
        assertThat(copy.timeoutOrDefault()).isEqualTo(PhaseSpec.DEFAULT_TIMEOUT);
        assertThat(p.phase("swap").orElseThrow().run()).isNull();
    }

    @Test
    void aRunPhaseWithoutCommandSaysWhatToWrite() {
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run }
                """, 9, 5, "missing 'command'", "command: [rndc, flush]", "shell: true");
    }

    @Test
    void anEmptyArgvIsAnError() {
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run, command: [] }
                """, 9, 47, "found an empty command");
    }

    @Test
    void anEmptyProgramNameIsAnError() {
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run, command: ["", x] }
                """, 9, 48, "empty program name");
    }

    @Test
    void aStringCommandNeedsAShellSaidOutLoud() {
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run, command: "rndc flush" }
                """, 9, 47, "expected a list", "say shell: true");
    }

    @Test
    void aShellCommandIsOneString() {
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run, shell: true, command: [rndc, flush] }
                """, 9, 60, "expected one string", "/bin/sh -c");
    }

    @Test
    void aBadTimeoutIsAnError() {
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run, command: [true], timeout: soon }
                """, 9, 64, "found 'soon', expected a duration");
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run, command: [true], timeout: 0s }
                """, 9, 64, "between 1s and 24h");
        onlyError(GOOD + """
                phases:
                  - { id: flush, at: T, action: run, command: [true], timeout: 2d }
                """, 9, 64, "between 1s and 24h");
    }

    @Test
    void runKeysOnAnotherActionAreErrors() {
        List<PlanError> errs = errors(GOOD + """
                phases:
                  - { id: swap, at: T, action: swap, command: [x], env: { A: b } }
                """);
        assertThat(errs).hasSize(2);
        PlanLoaderTest.assertError(errs.get(0), 9, 38, "'command' belongs to phases with action: run, not swap");
        PlanLoaderTest.assertError(errs.get(1), 9, 52, "'env' belongs to phases with action: run, not swap");
    }

    @Test
    void envNamesAndSecretsAreChecked() {
        onlyError(GOOD + """
                phases:
                  - { id: f, at: T, action: run, command: [x], env: { 1BAD: v } }
                """, 9, 55, "expected a variable name");
        onlyError(GOOD + """
                phases:
                  - { id: f, at: T, action: run, command: [x], env: { MIGRATE_PHASE: v } }
                """, 9, 55, "MIGRATE_ are the ones migrate sets itself");
        onlyError(GOOD + """
                phases:
                  - { id: f, at: T, action: run, command: [x], env: { T: { fromEnv: A, fromFile: b } } }
                """, 9, 58, "both 'fromEnv' and 'fromFile'", "give exactly one");
        List<PlanError> typo = errors(GOOD + """
                phases:
                  - { id: f, at: T, action: run, command: [x], env: { T: { formEnv: A } } }
                """);
        assertThat(typo).extracting(PlanError::message).anySatisfy(m -> assertThat(m)
                .contains("unknown key 'formEnv'", "did you mean 'fromEnv'?"));
    }

    @Test
    void notifyLoadsWebhooksFromTheEnvironmentOrAFile() throws Exception {
        Plan p = load(GOOD + """
                notify:
                  - { webhookEnv: SLACK_URL, format: slack }
                  - { webhookFile: hooks/ops.url, format: json }
                """);
        assertThat(p.notifications()).hasSize(2);
        assertThat(p.notifications().get(0).webhook()).isEqualTo(SecretRef.env("SLACK_URL"));
        assertThat(p.notifications().get(0).format()).isEqualTo(NotifySpec.Format.SLACK);
        assertThat(p.notifications().get(0).label()).isEqualTo("webhookEnv SLACK_URL");
        assertThat(p.notifications().get(1).webhook().file()).isEqualTo(p.baseDir().resolve("hooks/ops.url"));
        assertThat(p.notifications().get(1).format()).isEqualTo(NotifySpec.Format.JSON);
        assertThat(load(GOOD).notifications()).isEmpty();
    }

    @Test
    void aWebhookUrlWrittenInThePlanIsRefused() {
        List<PlanError> errs = errors(GOOD + """
                notify:
                  - { url: "https://hooks.slack.com/services/T0/B0/xyz", format: slack }
                """);
        assertThat(errs).extracting(PlanError::message)
                .anySatisfy(m -> assertThat(m).contains("a webhook URL is a secret", "webhookEnv"))
                .noneSatisfy(m -> assertThat(m).contains("hooks.slack.com"));
    }

    @Test
    void notifyNeedsAFormatItKnows() {
        onlyError(GOOD + """
                notify:
                  - { webhookEnv: HOOK }
                """, 9, 5, "missing 'format'", "slack or json");
        onlyError(GOOD + """
                notify:
                  - { webhookEnv: HOOK, format: slak }
                """, 9, 33, "found 'slak', expected slack or json", "did you mean 'slack'?");
        onlyError(GOOD + """
                notify:
                  - { format: json }
                """, 9, 5, "neither 'webhookEnv' nor 'webhookFile'");
    }
}
