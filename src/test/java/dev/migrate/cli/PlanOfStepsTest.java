package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.SmtpResponder;
import dev.migrate.testing.Cli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate plan} of a plan with several swap steps, on the zone-file provider: every step shown up front,
 * each from the previous step's after-image; once phases ran, what the journal says (the original TTLs, the
 * phases done, what done steps changed), and no warning about what a done step already changed.
 */
@LabTest
class PlanOfStepsTest {
    static final Path PROJECT = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");

    @TempDir
    Path tmp;

    /**
     * plans/mail-move.yaml with its zone, its checks pointed at loopback: the hold host at a port nothing listens
     * on, the new host at {@code mx2}.
     */
    Path mailPlan(SmtpResponder mx2) throws IOException {
        Path dir = tmp.resolve("plans");
        Files.createDirectories(dir.resolve("zones"));
        Files.copy(PROJECT.resolve("plans/zones/example.org.zone"), dir.resolve("zones/example.org.zone"));
        String text = Files.readString(PROJECT.resolve("plans/mail-move.yaml"))
                .replace("198.51.100.26:25", "127.0.0.1:" + Ports.free())
                .replace("198.51.100.25:25", mx2.address());
        Path plan = dir.resolve("mail-move.yaml");
        Files.writeString(plan, text);
        return plan;
    }

    static Run ok(String... args) {
        Run r = migrate(args);
        assertThat(r.code()).as("%s:%n%s", List.of(args), r.all()).isZero();
        return r;
    }

    static JsonNode json(Path plan, Instant now) throws IOException {
        return JSON.readTree(ok("plan", plan.toString(), "--now", now.toString(), "--output", "json").out());
    }

    static String mx(JsonNode image) {
        return image.get("rdata").get(0).asText() + " TTL " + image.get("ttl").asLong();
    }

    static List<String> states(JsonNode j) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : j.get("timeline")) out.add(p.get("id").asText() + " " + p.get("state").asText());
        return out;
    }

    @Test
    void everyStepIsShownUpFrontEachFromThePreviousStepsAfterImageAndDoneStepsAreMarked() throws Exception {
        try (SmtpResponder mx2 = SmtpResponder.builder().start()) {
            Path plan = mailPlan(mx2);
            String before = T.minusSeconds(4 * 86400).toString();
            Run text = ok("plan", plan.toString(), "--now", before);
            assertThat(text.out()).contains("""
                    hold (swap, 2026-12-01T02:00:00Z): 1 RRset
                      @ MX (example.org.)
                          before  TTL 300  10 mail.example.org.
                          after   TTL 300  10 hold.example.org.
                    """, """
                    open (swap, 2026-12-01T02:11:00Z): 1 RRset
                      @ MX (example.org.)
                          before  TTL 300  10 hold.example.org.
                          after   TTL 300  10 mx2.example.org.
                    """).contains("largest original TTL  3600 s").doesNotContain("drift").doesNotContain(" done ");
            JsonNode j = json(plan, Instant.parse(before));
            assertThat(mx(j.get("changes").get("hold").get(0).get("before"))).isEqualTo("10 mail.example.org. TTL 300");
            assertThat(mx(j.get("changes").get("hold").get(0).get("after"))).isEqualTo("10 hold.example.org. TTL 300");
            assertThat(mx(j.get("changes").get("open").get(0).get("before"))).isEqualTo("10 hold.example.org. TTL 300");
            assertThat(mx(j.get("changes").get("open").get(0).get("after"))).isEqualTo("10 mx2.example.org. TTL 300");
            assertThat(mx(j.get("changes").get("restore-ttl").get(0).get("after"))).isEqualTo("10 mx2.example.org. TTL 3600");
            assertThat(states(j)).allMatch(s -> s.endsWith(" pending"));

            // lower-ttl ran: the live TTL is 300, the original (3600) comes from the journal
            ok("apply", plan.toString(), "--now", T.minusSeconds(72 * 3600).toString());
            Run lowered = ok("plan", plan.toString(), "--now", T.minusSeconds(71 * 3600).toString());
            assertThat(lowered.out()).contains("largest original TTL  3600 s (1h)")
                    .containsPattern("lower-ttl\\s+lower-ttl\\s+T-72h\\s+done 2026-11-28T02:00:00Z");
            j = json(plan, T.minusSeconds(71 * 3600));
            assertThat(j.get("safety").get("maxOriginalTtl").asLong()).isEqualTo(3600);
            assertThat(j.get("timeline").get(0).get("state").asText()).isEqualTo("done");
            assertThat(j.get("timeline").get(0).get("finishedAt").asText()).isEqualTo("2026-11-28T02:00:00Z");
            assertThat(j.get("timeline").get(1).get("state").asText()).isEqualTo("pending");

            // the hold, and then the opening, ran: their changes come from the journal, no drift is claimed
            for (Instant at : List.of(T.minusSeconds(24 * 3600), T, T.plusSeconds(60), T.plusSeconds(360))) {
                ok("apply", plan.toString(), "--now", at.toString());
            }
            Run held = ok("plan", plan.toString(), "--now", T.plusSeconds(400).toString());
            assertThat(held.out()).doesNotContain("drift").containsPattern("hold\\s+swap\\s+T\\s+done 2026-12-01T02:00:00Z")
                    .contains("""
                            open (swap, 2026-12-01T02:11:00Z): 1 RRset
                              @ MX (example.org.)
                                  before  TTL 300  10 hold.example.org.
                                  after   TTL 300  10 mx2.example.org.
                            """);
            ok("approve", plan.toString(), "open", "--now", T.plusSeconds(400).toString());
            ok("apply", plan.toString(), "--now", T.plusSeconds(660).toString());
            ok("apply", plan.toString(), "--now", T.plusSeconds(720).toString());
            Run opened = ok("plan", plan.toString(), "--now", T.plusSeconds(800).toString());
            assertThat(opened.out()).doesNotContain("drift").containsPattern("open\\s+swap\\s+\\S+\\s+done 2026-12-01T02:11:00Z")
                    .containsPattern("restore-ttl\\s+restore-ttl\\s+T\\+5d\\s+2026-12-06T02:00:00Z");
            j = json(plan, T.plusSeconds(800));
            assertThat(states(j)).containsExactly("lower-ttl done", "verify done", "hold done", "hold-live done",
                    "verify-new done", "open done", "open-live done", "restore-ttl pending");
            assertThat(j.get("safety").get("warnings").toString()).doesNotContain("drift");
        }
    }

    @Test
    void aWaveThatRanIsNotWarnedAboutAsARewriteThatMatchesNothing() throws Exception {
        Path dir = tmp.resolve("waves");
        Files.createDirectories(dir.resolve("zones"));
        try (Stream<Path> zones = Files.list(PROJECT.resolve("plans/zones/waves"))) {
            for (Path z : zones.toList()) Files.copy(z, dir.resolve("zones").resolve(z.getFileName()));
        }
        Path plan = dir.resolve("waves.yaml");
        Files.writeString(plan, """
                name: waves
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [site1.example, site2.example, site3.example, site4.example, site5.example]
                ttl: { lowered: 300, restore: original }
                rewrite:
                  - { from: 203.0.113.10, to: 198.51.100.10 }
                phases:
                  - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                  - { id: canary,      at: T,     action: swap, zones: [site1.example] }
                  - { id: canary-live, at: canary+1m, action: confirm }
                  - { id: the-rest,    at: canary-live+1h, action: swap, zones: rest }
                  - { id: restore-ttl, at: T+5d, action: restore-ttl }
                """);
        ok("apply", plan.toString(), "--now", T.minusSeconds(72 * 3600).toString());
        ok("apply", plan.toString(), "--now", T.toString());
        Run r = ok("plan", plan.toString(), "--now", T.plusSeconds(30).toString());
        assertThat(r.out()).doesNotContain("matches no").doesNotContain("drift")
                .contains("canary (swap, 2026-12-01T02:00:00Z): 2 RRsets", "the-rest (swap, 2026-12-01T03:01:00Z): 8 RRsets");
        ok("apply", plan.toString(), "--now", T.plusSeconds(60).toString());
        ok("apply", plan.toString(), "--now", T.plusSeconds(3660).toString());
        r = ok("plan", plan.toString(), "--now", T.plusSeconds(3700).toString());
        assertThat(r.out()).doesNotContain("matches no").doesNotContain("drift")
                .contains("the-rest (swap, 2026-12-01T03:01:00Z): 8 RRsets");
    }

    @Test
    void aPlanErrorInTheStepsExitsTwoWithFileLineColumn() throws Exception {
        Path plan = tmp.resolve("bad.yaml");
        Files.writeString(plan, """
                name: bad
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.org]
                ttl: { lowered: 300 }
                phases:
                  - { id: hold,      at: T,       action: swap }
                  - { id: hold-live, at: hodl+1m, action: confirm }
                """);
        Run r = migrate("plan", plan.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(plan + ":8:26: found 'hodl+1m'", "did you mean 'hold'").doesNotContain("\tat ");
    }
}
