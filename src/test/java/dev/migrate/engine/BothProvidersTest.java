package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.plan.Action;
import dev.migrate.plan.OnFailure;
import dev.migrate.plan.Offset;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.probe.Expectation;
import dev.migrate.state.Batch;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.state.WrittenTo;
import dev.migrate.testing.Zones;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A provider move's two providers, pure: each intent names its provider (and a line of an older release reads
 * as the plan's); while both serve, the new provider follows every change as it holds the zone; which batches
 * a rollback takes back where; and the journal's facts stay about the plan's provider.
 */
class BothProvidersTest {
    static final String ZONE = "shop.example.";
    static final List<String> NEW_NS = List.of("ns1.new-dns.example.", "ns2.new-dns.example.");
    static final List<String> OLD_NS = List.of("ns1.old-dns.example.", "ns2.old-dns.example.");
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");

    static RRset www(long ttl, String address) {
        return RRset.of("www." + ZONE, "A", ttl, List.of(address));
    }

    static RRset ns(long ttl, List<String> set) {
        return RRset.of(ZONE, "NS", ttl, set);
    }

    static RRsetChange change(RRset before, RRset after) {
        return RRsetChange.of(ZONE, before, after);
    }

    static ZoneSnapshot atNew(RRset... sets) {
        List<RRset> all = new ArrayList<>(List.of(RRset.of(ZONE, "SOA", 3600,
                List.of("ns1.new-dns.example. hostmaster.new-dns.example. 2026120101 10800 3600 604800 3600")), ns(86400, NEW_NS)));
        for (RRset s : sets) {
            all.removeIf(x -> x.key().equals(s.key()));
            all.add(s);
        }
        return new ZoneSnapshot(ZONE, all);
    }

    // ---------------------------------------------------------------- the journal line

    @Test
    void anIntentNamesTheNewProviderOnItsLineAndALineWithoutTheKeyIsThePlansProvider() throws Exception {
        Entry.Intent toNew = new Entry.Intent("lower-ttl", "lower-ttl#3", ZONE, List.of(change(www(3600, "192.0.2.10"),
                www(300, "192.0.2.10"))), null, List.of(), WrittenTo.MOVE_TO);
        Event e = event(1, toNew);
        assertThat(e.info()).containsEntry("provider", "move.to");
        Event back = Journal.parse(Journal.line(e));
        assertThat(((Entry.Intent) Entry.from(back)).writtenTo()).isEqualTo(WrittenTo.MOVE_TO);
        assertThat(JournalState.of(List.of(back)).pending()).extracting(Batch::writtenTo).containsExactly(WrittenTo.MOVE_TO);

        Entry.Intent toOld = new Entry.Intent("swap", "swap#4", ZONE, List.of(), null);
        assertThat(event(2, toOld).info()).doesNotContainKey("provider");
        assertThat(((Entry.Intent) Entry.from(event(2, toOld))).writtenTo()).isEqualTo(WrittenTo.PROVIDER);

        Event unknown = new Event(3, T, Event.INTENT, "swap", "swap#5", ZONE, List.of(), Map.of("provider", "elsewhere"));
        assertThatThrownBy(() -> Entry.from(unknown)).hasMessageContaining("provider 'elsewhere'");
    }

    // ---------------------------------------------------------------- the new provider follows

    @Test
    void theNewProviderGetsTheSameChangeAndTheApexNsAsItHoldsIt() {
        RRsetChange lower = change(www(3600, "192.0.2.10"), www(300, "192.0.2.10"));
        RRsetChange nsTtl = change(ns(86400, OLD_NS), ns(300, OLD_NS));
        Mirror.Follow f = Mirror.follow(List.of(lower, nsTtl), Map.of(ZONE, atNew(www(3600, "192.0.2.10"))), NEW_NS);
        assertThat(f).isInstanceOf(Mirror.Follow.Write.class);
        assertThat(((Mirror.Follow.Write) f).changes()).containsExactly(lower, change(ns(86400, NEW_NS), ns(300, NEW_NS)));
    }

    @Test
    void whatTheNewProviderAlreadyHoldsIsDoneAndWhatItOwnsIsNeverMirrored() {
        RRsetChange swap = change(www(300, "192.0.2.10"), www(300, "198.51.100.10"));
        RRsetChange pointAtNew = change(ns(86400, OLD_NS), ns(86400, NEW_NS)); // await-delegation's write
        RRset soa = RRset.of(ZONE, "SOA", 3600, List.of("ns1.old-dns.example. h.shop.example. 1 7200 900 1209600 300"));
        RRsetChange soaChange = change(soa, soa.withTtl(300));
        Mirror.Follow f = Mirror.follow(List.of(swap, pointAtNew, soaChange),
                Map.of(ZONE, atNew(www(300, "198.51.100.10"))), NEW_NS);
        assertThat(((Mirror.Follow.Write) f).changes()).isEmpty();
    }

    @Test
    void somethingElseAtTheNewProviderIsAConflictNamedAndNothingIsWritten() {
        RRsetChange swap = change(www(300, "192.0.2.10"), www(300, "198.51.100.10"));
        Mirror.Follow f = Mirror.follow(List.of(swap), Map.of(ZONE, atNew(www(300, "192.0.2.66"))), NEW_NS);
        assertThat(f).isInstanceOf(Mirror.Follow.Conflict.class);
        assertThat(((Mirror.Follow.Conflict) f).why()).singleElement().asString()
                .contains("www.shop.example. A is 300 [192.0.2.66] at the new provider")
                .contains("neither 300 [192.0.2.10]");
    }

    @Test
    void theNewServersAreExpectedToServeTheApexNsAsTheNewProviderHoldsItAndNeverItsSoa() {
        RRset soa = RRset.of(ZONE, "SOA", 300, List.of("ns1.old-dns.example. h.shop.example. 1 7200 900 1209600 300"));
        List<Expectation> mirrored = Mirror.expectations(List.of(new Expectation(ZONE, new RRsetKey(ZONE, "NS"), ns(300, OLD_NS)),
                new Expectation(ZONE, new RRsetKey(ZONE, "SOA"), soa),
                new Expectation(ZONE, new RRsetKey("www." + ZONE, "A"), null)), NEW_NS);
        assertThat(mirrored).containsExactly(new Expectation(ZONE, new RRsetKey(ZONE, "NS"), ns(300, NEW_NS)),
                new Expectation(ZONE, new RRsetKey("www." + ZONE, "A"), null));
    }

    // ---------------------------------------------------------------- both serve, from the journal

    static final Timeline TIMELINE = new Timeline(T, List.of(phase("copy", Action.COPY_ZONE, -7 * 24),
            phase("lower-ttl", Action.LOWER_TTL, -72), phase("swap", Action.SWAP, 0),
            phase("release", Action.RELEASE_OLD, 96)), 300);

    static ScheduledPhase phase(String id, Action a, int hours) {
        return new ScheduledPhase(new PhaseSpec(id, Offset.parse("T"), a, null, false, OnFailure.ROLLBACK, null, false,
                null, null, null), T.plusSeconds(hours * 3600L));
    }

    /** A journal built line by line, one minute apart. */
    static final class Lines {
        final List<Event> events = new ArrayList<>();

        Lines add(Entry e) {
            events.add(event(events.size() + 1, e));
            return this;
        }

        Lines batch(String phase, WrittenTo to, RRsetChange... changes) {
            String id = phase + "#" + (events.stream().filter(e -> e.type().equals(Event.INTENT)).count() + 1);
            add(new Entry.Intent(phase, id, ZONE, List.of(changes), null, List.of(), to));
            return add(new Entry.Commit(phase, id, ZONE, false));
        }

        Lines undo(String undoes, WrittenTo to, RRsetChange... inverse) {
            String id = "rollback#" + (events.stream().filter(e -> e.type().equals(Event.INTENT)).count() + 1);
            add(new Entry.Intent(Event.ROLLBACK_PHASE, id, ZONE, List.of(inverse), undoes, List.of(), to));
            return add(new Entry.Commit(Event.ROLLBACK_PHASE, id, ZONE, false));
        }

        Lines phase(String id) {
            add(new Entry.PhaseStarted(id, "x", T, false));
            return add(Entry.PhaseFinished.plain(id));
        }

        JournalState state() {
            return JournalState.of(events);
        }
    }

    static Event event(long seq, Entry e) {
        Entry.Wire w = e.wire();
        return new Event(seq, T.plusSeconds(60 * seq), w.type(), w.phase(), w.batch(), w.zone(), w.changes(), w.info());
    }

    static final RRsetChange COPY = change(null, www(3600, "192.0.2.10"));
    static final RRsetChange LOWER = change(www(3600, "192.0.2.10"), www(300, "192.0.2.10"));
    static final RRsetChange SWAP = change(www(300, "192.0.2.10"), www(300, "198.51.100.10"));

    @Test
    void bothServeFromTheCopyUntilTheReleaseAndNotOnceARollbackRemovedTheCopy() {
        Lines j = new Lines();
        assertThat(Mirror.bothServe(TIMELINE, j.state())).isFalse();
        j.add(new Entry.PhaseStarted("copy", "copy-zone", T, false)).batch("copy", WrittenTo.MOVE_TO, COPY);
        assertThat(Mirror.bothServe(TIMELINE, j.state())).as("while the copy runs").isFalse();
        j.add(Entry.PhaseFinished.plain("copy"));
        assertThat(Mirror.bothServe(TIMELINE, j.state())).isTrue();
        Lines r = new Lines();
        r.events.addAll(j.events);
        r.phase("release");
        assertThat(Mirror.bothServe(TIMELINE, r.state())).isFalse();

        j.add(new Entry.RollbackStarted(false)).undo("copy#1", WrittenTo.MOVE_TO, COPY.inverse()).add(new Entry.RollbackFinished(1));
        assertThat(Mirror.bothServe(TIMELINE, j.state())).isFalse();
        j.add(new Entry.Restarted(List.of("copy")));
        j.add(new Entry.PhaseStarted("copy", "copy-zone", T, false)).batch("copy", WrittenTo.MOVE_TO, COPY)
                .add(Entry.PhaseFinished.plain("copy"));
        assertThat(Mirror.bothServe(TIMELINE, j.state())).as("copied again after the restart").isTrue();
    }

    // ---------------------------------------------------------------- rollback, and the journal's facts

    static JournalState twoProviders() {
        return new Lines().batch("copy", WrittenTo.MOVE_TO, COPY).phase("copy")
                .batch("lower-ttl", WrittenTo.PROVIDER, LOWER).batch("lower-ttl", WrittenTo.MOVE_TO, LOWER).phase("lower-ttl")
                .batch("swap", WrittenTo.PROVIDER, SWAP).batch("swap", WrittenTo.MOVE_TO, SWAP).phase("swap").state();
    }

    @Test
    void aRollbackOfTheSwapTakesItBackAtBothProvidersAndKeepsTheLoweringAtBoth() {
        List<Batch> scope = Rollback.scope(twoProviders(), Set.of("swap"), TIMELINE);
        assertThat(scope).extracting(b -> b.phase() + "@" + b.writtenTo())
                .containsExactly("swap@move.to", "swap@provider");
    }

    @Test
    void aRollbackThatRemovesTheCopyTakesBackWhatWasWrittenOverItFirstButKeepsTheOldProvidersLowering() {
        List<Batch> scope = Rollback.scope(twoProviders(), Set.of("swap", "copy"), TIMELINE);
        assertThat(scope).extracting(b -> b.phase() + "@" + b.writtenTo())
                .containsExactly("swap@move.to", "swap@provider", "lower-ttl@move.to", "copy@move.to");
    }

    @Test
    void theJournalsFactsAreAboutThePlansProviderNotTheCopy() {
        JournalState st = twoProviders();
        ZonedKey www = new ZonedKey(ZONE, new RRsetKey("www." + ZONE, "A"));
        assertThat(JournalFacts.touched(st)).containsExactly(www);
        assertThat(JournalFacts.originalTtls(TIMELINE, st)).containsExactly(Map.entry(www, 3600L));
        assertThat(JournalFacts.lastWritten(st)).containsExactly(Map.entry(www, www(300, "198.51.100.10")));
        assertThat(st.inPlace("swap")).containsExactly(SWAP);
        assertThat(st.inPlace("copy")).isEmpty();
        assertThat(st.inPlace("copy", WrittenTo.MOVE_TO)).containsExactly(COPY);
    }
}
