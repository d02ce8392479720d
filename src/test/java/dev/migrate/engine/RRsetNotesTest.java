package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.RRsetNote;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.plan.TtlPolicy;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a provider's note on an RRset (e.g. Cloudflare proxied) changes what each phase writes. */
class RRsetNotesTest {
    static final String Z = "example.com.";
    static final RRset APEX = RRset.of(Z, "A", 3600, List.of("203.0.113.10"));
    static final RRset WWW = RRset.of("www.example.com.", "A", 300, List.of("203.0.113.10"));
    static final RRsetNote PROXIED = new RRsetNote(true, true, "proxied");
    static final TtlPolicy TTL = new TtlPolicy(60, OptionalLong.empty(), null);

    static Map<String, ZoneSnapshot> live() {
        return Map.of(Z, new ZoneSnapshot(Z, List.of(APEX, WWW), Map.of(WWW.key(), PROXIED)));
    }

    static List<Target> targets() {
        return List.of(new Target(Z, APEX.key(), APEX.rdata(), List.of("198.51.100.20"), "change"),
                new Target(Z, WWW.key(), WWW.rdata(), List.of("198.51.100.20"), "change"));
    }

    @Test
    void lowerTtlAndRestoreLeaveAFixedTtlAlone() {
        assertThat(PhaseChanges.lowerTtl(targets(), live(), TTL))
                .containsExactly(RRsetChange.of(Z, APEX, APEX.withTtl(60)));
        Set<ZonedKey> touched = Set.of(new ZonedKey(Z, APEX.key()), new ZonedKey(Z, WWW.key()));
        Map<String, ZoneSnapshot> lowered = Map.of(Z, live().get(Z).with(List.of(RRsetChange.of(Z, APEX, APEX.withTtl(60)))));
        assertThat(PhaseChanges.restoreTtl(touched, lowered, TTL, Map.of(new ZonedKey(Z, APEX.key()), 3600L)))
                .containsExactly(RRsetChange.of(Z, APEX.withTtl(60), APEX));
    }

    @Test
    void theSwapKeepsAFixedTtlAndIsNotHeldBackByIt() {
        Map<String, ZoneSnapshot> lowered = Map.of(Z, live().get(Z).with(List.of(RRsetChange.of(Z, APEX, APEX.withTtl(60)))));
        assertThat(PhaseChanges.notLowered(targets(), lowered, TTL)).isEmpty();
        assertThat(PhaseChanges.swap(targets(), lowered, TTL)).containsExactly(
                RRsetChange.of(Z, APEX.withTtl(60), RRset.of(Z, "A", 60, List.of("198.51.100.20"))),
                RRsetChange.of(Z, WWW, RRset.of("www.example.com.", "A", 300, List.of("198.51.100.20"))));
    }

    @Test
    void anInstantSwapDoesNotCountTowardsTheWaitAndNotesSurviveADataChange() {
        RRset slowProxied = WWW.withTtl(86400);
        Map<String, ZoneSnapshot> live = Map.of(Z, new ZoneSnapshot(Z, List.of(APEX, slowProxied), Map.of(WWW.key(), PROXIED)));
        assertThat(Planner.maxOriginalTtl(targets(), live)).isEqualTo(3600);

        ZoneSnapshot swapped = live.get(Z).with(List.of(RRsetChange.of(Z, slowProxied, slowProxied.withData(List.of("198.51.100.20")))));
        assertThat(swapped.note(WWW.key())).isEqualTo(PROXIED);
        ZoneSnapshot deleted = live.get(Z).with(List.of(RRsetChange.of(Z, slowProxied, null)));
        assertThat(deleted.notes()).isEmpty();
        assertThat(deleted.note(new RRsetKey("www.example.com.", "A"))).isNull();
    }

    @Test
    void restoreTtlWithoutAnSoaKeepsACreatedRRsetsTtl() {
        RRset created = RRset.of("new.example.com.", "A", 60, List.of("198.51.100.30"));
        Map<String, ZoneSnapshot> live = Map.of(Z, new ZoneSnapshot(Z, List.of(created)));
        assertThat(PhaseChanges.restoreTtl(Set.of(new ZonedKey(Z, created.key())), live, TTL, Map.of())).isEmpty();
    }
}
