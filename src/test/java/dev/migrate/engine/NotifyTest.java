package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.engine.EngineFixture.Run;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's webhooks, received by real HTTP servers on loopback (MockWebServer): what is told, in which
 * body, once; and a webhook that is down or failing never holds up a phase, and is journaled.
 */
class NotifyTest {
    static final String T = "2026-12-01T02:00:00Z";
    static final String SECRET_PATH = "/services/T000/B000/secretpath0123456789";

    @TempDir
    Path dir;

    Receiver slack;
    Receiver json;

    /** A webhook receiver: records each body and answers with the next queued status (200 when none). */
    static final class Receiver extends Dispatcher {
        final MockWebServer server = new MockWebServer();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final ConcurrentLinkedQueue<Integer> codes = new ConcurrentLinkedQueue<>();

        Receiver() throws Exception {
            server.setDispatcher(this);
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            bodies.add(r.getBody() == null ? "" : r.getBody().utf8());
            Integer code = codes.poll();
            return new MockResponse.Builder().code(code == null ? 200 : code).body(code == null ? "ok" : "no_service").build();
        }

        String url() {
            return server.url(SECRET_PATH).toString();
        }

        List<JsonNode> json() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (String b : bodies) out.add(EngineFixture.JSON.readTree(b));
            return out;
        }
    }

    @BeforeEach
    void up() throws Exception {
        slack = new Receiver();
        json = new Receiver();
    }

    @AfterEach
    void down() {
        slack.server.close();
        json.server.close();
    }

    Path plan(String phases, String notify) throws Exception {
        EngineFixture.copyExampleZone(dir);
        Files.createDirectories(dir.resolve("hooks"));
        Files.writeString(dir.resolve("hooks/slack.url"), slack.url() + "\n");
        Files.writeString(dir.resolve("hooks/json.url"), json.url() + "\n");
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, """
                name: notify-test
                cutover: %s
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                phases:
                  - { id: lower-ttl, at: T-72h, action: lower-ttl }
                %snotify:
                %s""".formatted(T, phases, notify));
        return p;
    }

    static final String BOTH = """
              - { webhookFile: hooks/slack.url, format: slack }
              - { webhookFile: hooks/json.url, format: json }
            """;

    Run apply(Path plan, String now, String... more) {
        List<String> args = new ArrayList<>(List.of("apply", plan.toString(), "--now", now));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    Path state() {
        return dir.resolve(".migrate/notify-test");
    }

    @Test
    void theTimelineIsToldToEachWebhookInItsFormatAndTheSwapReminderGoesOutOnce() throws Exception {
        Path plan = plan("  - { id: swap, at: T, action: swap }\n", BOTH);
        assertThat(apply(plan, "2026-11-28T02:00:00Z").exit()).isZero();
        assertThat(apply(plan, "2026-11-30T23:00:00Z").exit()).isZero(); // 3 h before: nothing to tell
        Run reminder = apply(plan, "2026-12-01T01:00:00Z");
        assertThat(reminder.exit()).as(reminder.all()).isZero();
        assertThat(reminder.out()).contains("swap: due at " + T);
        assertThat(apply(plan, "2026-12-01T01:30:00Z").out()).doesNotContain("due at"); // once
        Run swap = apply(plan, T);
        assertThat(swap.exit()).as(swap.all()).isZero();

        List<JsonNode> told = json.json();
        assertThat(told).extracting(b -> b.path("event").asText() + " " + b.path("phase").asText())
                .containsExactly("phase-done lower-ttl", "swap-soon swap", "phase-done swap");
        JsonNode soon = told.get(1);
        assertThat(soon.path("source").asText()).isEqualTo("migrate");
        assertThat(soon.path("plan").asText()).isEqualTo("notify-test");
        assertThat(soon.path("action").asText()).isEqualTo("swap");
        assertThat(soon.path("at").asText()).isEqualTo("2026-12-01T01:00:00Z");
        assertThat(soon.path("swapAt").asText()).isEqualTo(T);
        assertThat(soon.path("message").asText()).contains("in 1h");
        assertThat(told.get(2).path("message").asText()).startsWith("done: 1 RRset(s) swapped");

        List<JsonNode> chat = slack.json();
        assertThat(chat).hasSize(3).allSatisfy(b -> assertThat(b.fieldNames()).toIterable().containsExactly("text"));
        assertThat(chat.get(0).path("text").asText()).startsWith(":white_check_mark: *migrate notify-test* lower-ttl: done\n");
        assertThat(chat.get(1).path("text").asText()).startsWith(":alarm_clock: *migrate notify-test* swap: swap at " + T);

        // Journaled per webhook; the URL (a secret) is in neither the journal, the output nor the log.
        List<JsonNode> lines = EngineFixture.journal(state());
        assertThat(EngineFixture.count(lines, "notified", null)).isEqualTo(6);
        assertThat(lines).filteredOn(l -> l.path("event").asText().equals("notified"))
                .allSatisfy(l -> assertThat(l.path("info").path("delivered").asText()).isEqualTo("true"));
        Run log = cli("log", plan.toString());
        assertThat(log.out()).contains("notification swap-soon (swap) to webhookFile hooks/json.url: delivered (1 attempt)");
        String everything = Files.readString(EngineFixture.journalFile(state())) + reminder.all() + swap.all() + log.all();
        assertThat(everything).doesNotContain("secretpath");
    }

    @Test
    void aPhaseBlockedForItsApprovalIsToldOnceNotAtEveryCronRun() throws Exception {
        Path plan = plan("  - { id: swap, at: T, action: swap, approval: required }\n", BOTH);
        apply(plan, "2026-11-28T02:00:00Z");
        Run blocked = apply(plan, T);
        assertThat(blocked.exit()).as(blocked.all()).isEqualTo(4);
        assertThat(apply(plan, "2026-12-01T02:05:00Z").exit()).isEqualTo(4);
        assertThat(apply(plan, "2026-12-01T02:10:00Z").exit()).isEqualTo(4);
        assertThat(cli("approve", plan.toString(), "swap", "--by", "alice").exit()).isZero();
        assertThat(apply(plan, "2026-12-01T02:15:00Z").exit()).isZero();

        assertThat(json.json()).extracting(b -> b.path("event").asText() + " " + b.path("phase").asText())
                .containsExactly("phase-done lower-ttl", "phase-blocked swap", "phase-done swap");
        assertThat(json.json().get(1).path("message").asText()).contains("approv");
        assertThat(cli("log", plan.toString()).out()).contains("swap: approved by alice");
    }

    @Test
    void aForcedSwapIsToldLoudly() throws Exception {
        Path plan = plan("  - { id: swap, at: T, action: swap }\n", BOTH);
        apply(plan, "2026-12-01T01:00:00Z"); // a late lowering: the swap is not safe before 01:00 + 3600 s + 5 m
        Run forced = apply(plan, T, "--force");
        assertThat(forced.exit()).as(forced.all()).isZero();
        assertThat(json.json()).extracting(b -> b.path("event").asText())
                .containsExactly("phase-done", "forced", "phase-done");
        assertThat(slack.json().get(1).path("text").asText()).startsWith(":rotating_light: *migrate notify-test* swap:"
                + " FORCED past the safety gate");
        assertThat(cli("log", plan.toString()).out()).contains("swap (swap, scheduled " + T + "): done").contains("FORCED");
    }

    @Test
    void aFailedCommandAndTheRollbackThatFollowsAreTold() throws Exception {
        Path script = Files.createDirectories(dir.resolve("bin")).resolve("fail.sh");
        Files.writeString(script, "#!/bin/sh\necho 'cache flush refused' >&2\nexit 2\n");
        script.toFile().setExecutable(true);
        Path plan = plan("""
                  - { id: swap, at: T, action: swap }
                  - { id: flush, at: T+1m, action: run, command: [./bin/fail.sh], onFailure: rollback }
                """, BOTH);
        apply(plan, "2026-11-28T02:00:00Z");
        apply(plan, T);
        Run failed = apply(plan, "2026-12-01T02:01:00Z");
        assertThat(failed.exit()).as(failed.all()).isEqualTo(3);

        List<JsonNode> told = json.json();
        assertThat(told).extracting(b -> b.path("event").asText() + " " + b.path("phase").asText()).containsExactly(
                "phase-done lower-ttl", "phase-done swap", "rollback-started rollback", "rollback-finished rollback",
                "phase-failed flush");
        assertThat(told.get(2).path("message").asText()).contains("rolling back after flush", "cache flush refused");
        assertThat(told.get(4).path("message").asText()).startsWith("rolled back: command ./bin/fail.sh exited 2");
    }

    @Test
    void aWebhookThatIsDownNeverHoldsUpThePhaseAndIsJournaled() throws Exception {
        Path plan = plan("", """
                  - { webhookFile: hooks/json.url, format: json }
                """);
        json.server.close(); // nothing listens on its port any more
        long t0 = System.nanoTime();
        Run r = apply(plan, "2026-11-28T02:00:00Z");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("lower-ttl: done")
                .contains("WARNING: notification phase-done (lower-ttl) to webhookFile hooks/json.url not delivered")
                .doesNotContain("secretpath");
        assertThat(took).as("3 tries, 1 s and 2 s apart").isLessThan(Duration.ofSeconds(20));
        JsonNode n = EngineFixture.journal(state()).stream().filter(l -> l.path("event").asText().equals("notified"))
                .findFirst().orElseThrow();
        assertThat(n.path("info").path("delivered").asText()).isEqualTo("false");
        assertThat(n.path("info").path("attempts").asText()).isEqualTo("3");
        assertThat(cli("status", plan.toString()).out()).contains("lower-ttl").contains("done");
        assertThat(cli("log", plan.toString()).out()).contains("notification phase-done (lower-ttl) to webhookFile"
                + " hooks/json.url: NOT delivered");
    }

    @Test
    void aServerErrorIsTriedAgainAndAClientErrorIsNot() throws Exception {
        Path plan = plan("", BOTH);
        json.codes.add(503);
        slack.codes.add(404);
        assertThat(apply(plan, "2026-11-28T02:00:00Z").exit()).isZero();
        assertThat(json.bodies).hasSize(2);
        assertThat(slack.bodies).hasSize(1);
        List<JsonNode> notified = EngineFixture.journal(state()).stream()
                .filter(l -> l.path("event").asText().equals("notified")).toList();
        assertThat(notified).extracting(l -> l.path("info").path("target").asText() + " "
                + l.path("info").path("delivered").asText() + " " + l.path("info").path("attempts").asText())
                .containsExactly("webhookFile hooks/slack.url false 1", "webhookFile hooks/json.url true 2");
        assertThat(notified.get(0).path("info").path("error").asText()).isEqualTo("HTTP 404: no_service");
    }

    @Test
    void aWebhookUrlFromTheEnvironmentIsUsedAndNeverPrinted() throws Exception {
        Path plan = plan("", """
                  - { webhookEnv: OPS_HOOK_URL, format: json }
                  - { webhookEnv: UNSET_HOOK_URL, format: slack }
                """);
        Process p = EngineFixture.start(EngineFixture.child(dir, Map.of("OPS_HOOK_URL", json.url()),
                Arrays.asList("apply", plan.toString(), "--now", "2026-11-28T02:00:00Z")), dir, "child");
        EngineFixture.Finished r = EngineFixture.await(p, dir, "child", Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(json.bodies).hasSize(1);
        assertThat(r.out()).contains("to webhookEnv UNSET_HOOK_URL not delivered: environment variable UNSET_HOOK_URL"
                + " is not set");
        assertThat(r.out() + r.err() + Files.readString(EngineFixture.journalFile(state()))).doesNotContain("secretpath");
    }
}
