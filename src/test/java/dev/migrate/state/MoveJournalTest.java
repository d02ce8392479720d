package dev.migrate.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A provider move's journal lines: read back as written, and folded into what the DNSSEC and soak rules need. */
class MoveJournalTest {
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");

    static Event line(long seq, Instant at, Entry e) {
        Entry.Wire w = e.wire();
        return new Event(seq, at, w.type(), w.phase(), w.batch(), w.zone(), w.changes(), w.info());
    }

    @Test
    void theDsHistoryRemembersItsLastTtlAndWhenItFirstWentAway() {
        List<Event> events = new ArrayList<>();
        events.add(line(1, T, new Entry.DsSeen("delegate", "shop.test.", true, 86400)));
        JournalState present = JournalState.of(events);
        assertThat(present.dsHistory("shop.test.").present()).isTrue();
        assertThat(present.dsHistory("other.test.")).isEqualTo(JournalState.DsHistory.NEVER_SEEN);

        events.add(line(2, T.plusSeconds(600), new Entry.DsSeen("delegate", "shop.test.", false, -1)));
        events.add(line(3, T.plusSeconds(900), new Entry.DsSeen("delegate", "shop.test.", false, -1)));
        JournalState gone = JournalState.of(events);
        assertThat(gone.dsHistory("shop.test.")).isEqualTo(new JournalState.DsHistory(86400, T.plusSeconds(600)));
        assertThat(gone.dsHistory("shop.test.").present()).isFalse();

        // Never seen present: gone means nothing to wait out.
        JournalState never = JournalState.of(List.of(line(1, T, new Entry.DsSeen("delegate", "x.test.", false, -1))));
        assertThat(never.dsHistory("x.test.").goneSince()).isNull();
    }

    @Test
    void theDelegationSeenEverywhereReadsBackAsWritten() {
        Entry.DelegationSeen d = new Entry.DelegationSeen("delegated", T, 172800, 86400, Duration.ofMinutes(10));
        Event e = line(1, T.plusSeconds(5), d);
        assertThat(Entry.from(e)).isEqualTo(d);
        assertThat(JournalState.of(List.of(e)).delegationSeen("delegated")).contains(d);
        assertThat(Entry.from(line(2, T, new Entry.DsSeen("delegate", "shop.test.", true, 3600))))
                .isEqualTo(new Entry.DsSeen("delegate", "shop.test.", true, 3600));
    }
}
