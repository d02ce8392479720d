package dev.migrate.engine;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.testing.Cli.Run;
import dev.migrate.testing.ExamplePlans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate rehearse plans/provider-move.yaml}, offline: sandboxes stand in for the new provider and the
 * parent zone, the rehearsal plays the registrar. The copy goes to the new provider only; lower-ttl, the swap
 * and restore-ttl reach both providers; the delegation is seen at every sandbox parent address; the old
 * apex NS then names the new set; the soak runs parent NS TTL + old NS TTL + margin after that; a lagging
 * old secondary fails the confirm and the swap is rolled back at both providers.
 */
class ProviderMoveRehearsalTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path plan() throws IOException {
        return ExamplePlans.copy(tmp, "provider-move.yaml");
    }

    /** Each write's changes as "provider name type before -> after", in order. */
    static List<String> writes(JsonNode j, String provider) {
        List<String> out = new ArrayList<>();
        for (JsonNode w : j.get("writes")) {
            if (!w.get("provider").asText().equals(provider)) continue;
            for (JsonNode c : w.get("changes")) {
                out.add(c.get("name").asText() + " " + c.get("type").asText() + " " + ttlAndData(c.get("before")) + " -> "
                        + ttlAndData(c.get("after")));
            }
        }
        return out;
    }

    static String ttlAndData(JsonNode image) {
        return image == null || image.isNull() ? "absent" : image.get("ttl").asText() + " " + image.get("rdata");
    }

    @Test
    void theMoveRehearsesCleanlyWithEveryChangeAtBothProvidersAndTheSoakMeasuredFromTheParent() throws IOException {
        Path plan = plan();
        byte[] before = Files.readAllBytes(plan.resolveSibling("zones/shop.example.zone"));
        Run text = migrate("rehearse", plan.toString());
        assertThat(text.code()).as(text.all()).isZero();
        assertThat(text.out()).contains("Verdict: the plan rehearsed cleanly")
                .contains("the rehearsal changed the delegation at the sandbox parent to [ns1.new-dns.example., ns2.new-dns.example.]")
                .contains("(at both providers: the old one and move.to)");
        assertThat(Files.readAllBytes(plan.resolveSibling("zones/shop.example.zone"))).isEqualTo(before);

        JsonNode j = JSON.readTree(migrate("rehearse", plan.toString(), "--output", "json").out());
        Map<String, JsonNode> steps = new LinkedHashMap<>();
        for (JsonNode s : j.get("steps")) {
            assertThat(s.get("result").asText()).as(s.toString()).isEqualTo("done");
            steps.put(s.get("phase").asText(), s);
        }
        assertThat(steps.keySet()).containsExactly("copy", "same", "lower-ttl", "swap", "live", "delegate", "delegated",
                "restore-ttl", "soak", "release");
        assertThat(steps.get("lower-ttl").get("message").asText()).contains("the new provider's servers: live: 2/2");
        assertThat(steps.get("live").get("message").asText()).contains("the old provider's servers: live: 2/2")
                .contains("the new provider's servers: live: 2/2");
        assertThat(steps.get("delegated").get("message").asText()).contains("all 2 parent addresses delegate shop.example."
                + " to ns1.new-dns.example., ns2.new-dns.example. (NS TTL 172800 s)");

        List<String> old = writes(j, "provider");
        List<String> neu = writes(j, "move.to");
        String lower = "shop.example. A 3600 [\"203.0.113.10\"] -> 300 [\"203.0.113.10\"]";
        String swap = "shop.example. A 300 [\"203.0.113.10\"] -> 300 [\"198.51.100.10\"]";
        String restore = "shop.example. A 300 [\"198.51.100.10\"] -> 3600 [\"198.51.100.10\"]";
        // lower-ttl lowers the old provider's apex NS too (a move); the NS then points at the new set at the
        // lowered TTL, and restore-ttl puts the TTL back up with the new set.
        String lowerNs = "shop.example. NS 86400 [\"ns1.old-dns.example.\",\"ns2.old-dns.example.\"] -> 300"
                + " [\"ns1.old-dns.example.\",\"ns2.old-dns.example.\"]";
        String pointAtNew = "shop.example. NS 300 [\"ns1.old-dns.example.\",\"ns2.old-dns.example.\"] -> 300"
                + " [\"ns1.new-dns.example.\",\"ns2.new-dns.example.\"]";
        String restoreNs = "shop.example. NS 300 [\"ns1.new-dns.example.\",\"ns2.new-dns.example.\"] -> 86400"
                + " [\"ns1.new-dns.example.\",\"ns2.new-dns.example.\"]";
        assertThat(old).containsExactly(lower, lowerNs, swap, pointAtNew, restore, restoreNs);
        // The copy (every RRset but the SOA and the apex NS the new provider made), then the same changes as the old.
        // The apex NS there names the new set; its TTL follows the old one's (Mirror).
        String lowerNewNs = "shop.example. NS 86400 [\"ns1.new-dns.example.\",\"ns2.new-dns.example.\"] -> 300"
                + " [\"ns1.new-dns.example.\",\"ns2.new-dns.example.\"]";
        assertThat(neu).hasSize(6 + 5);
        assertThat(neu.subList(0, 6)).allMatch(c -> c.contains("absent -> "));
        assertThat(neu.subList(6, 11)).containsExactly(lower, lowerNewNs, swap, restore, restoreNs);

        // The soak: parent NS TTL 172800 s + old NS TTL 86400 s (as the journal says it was before the lowering)
        // + margin 10 % after the delegation was seen.
        Instant seen = Instant.parse(steps.get("delegated").get("at").asText());
        Duration soak = Duration.ofSeconds(172800 + 86400).plus(Duration.ofSeconds(25920));
        assertThat(Instant.parse(steps.get("soak").get("at").asText())).isEqualTo(seen.plus(soak));
        assertThat(Instant.parse(steps.get("release").get("at").asText())).isEqualTo(seen.plus(soak));
    }

    @Test
    void planAndStatusDrawTheSoakWithTheOldNsTtlAsTheRunCountsIt() throws IOException {
        Path plan = plan();
        JsonNode ran = JSON.readTree(migrate("rehearse", plan.toString(), "--output", "json").out());
        Instant soakRan = null;
        for (JsonNode s : ran.get("steps")) if (s.get("phase").asText().equals("soak")) soakRan = Instant.parse(s.get("at").asText());
        // delegate at T; the sandbox parent serves the usual 172800 s: soak = T + 172800 + 86400 (the old NS TTL,
        // read live) + 10 % margin
        Instant expected = Instant.parse("2026-12-01T02:00:00Z").plusSeconds(172800 + 86400 + 25920);
        assertThat(soakRan).isEqualTo(expected);

        Run preview = migrate("plan", plan.toString(), "--now", "2026-11-20T00:00:00Z", "--output", "json");
        assertThat(preview.code()).as(preview.all()).isZero();
        Map<String, JsonNode> timeline = new LinkedHashMap<>();
        for (JsonNode t : JSON.readTree(preview.out()).get("timeline")) timeline.put(t.get("id").asText(), t);
        assertThat(Instant.parse(timeline.get("soak").get("expectedAt").asText())).isEqualTo(expected);
        assertThat(Instant.parse(timeline.get("release").get("expectedAt").asText())).isEqualTo(expected);
        Run text = migrate("plan", plan.toString(), "--now", "2026-11-20T00:00:00Z");
        assertThat(text.out()).contains("planned with a soak (parent-ttl) of 3d 7h:");

    }

    @Test
    void aLaggingOldSecondaryFailsTheConfirmAndTheSwapIsTakenBackAtBothProviders() throws IOException {
        Path plan = plan();
        JsonNode j = JSON.readTree(migrate("rehearse", plan.toString(), "--lagging-server", "--output", "json").out());
        assertThat(j.get("exitCode").asInt()).as(j.toString()).isEqualTo(3);
        JsonNode last = j.get("steps").get(j.get("steps").size() - 1);
        assertThat(last.get("phase").asText()).isEqualTo("live");
        assertThat(last.get("result").asText()).isEqualTo("rolled back");
        String swap = "shop.example. A 300 [\"203.0.113.10\"] -> 300 [\"198.51.100.10\"]";
        String back = "shop.example. A 300 [\"198.51.100.10\"] -> 300 [\"203.0.113.10\"]";
        List<String> old = writes(j, "provider");
        List<String> neu = writes(j, "move.to");
        assertThat(old.subList(old.size() - 2, old.size())).containsExactly(swap, back);
        assertThat(neu.subList(neu.size() - 2, neu.size())).containsExactly(swap, back);
    }
}
