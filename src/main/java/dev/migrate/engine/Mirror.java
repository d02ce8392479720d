package dev.migrate.engine;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Action;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.probe.Expectation;
import dev.migrate.state.Batch;
import dev.migrate.state.JournalState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * While a provider move's two providers both serve the zones, what the new one must be written so that it
 * serves what the old one does (DOMAIN.md, "Nameserver (delegation) changes": the old provider keeps
 * serving identical data until the soak is over, and the new one serves it from the delegation on; a
 * resolver may ask either). Pure.
 *
 * <p>After copy-zone the two zones differ only in what the new provider owns: its SOA, and its apex NS
 * ({@code move.nameservers}, at the TTL the old apex NS had). So a change the plan makes at the old
 * provider is the same change at the new one, except that an apex NS image names the new set there (its
 * TTL follows), and the SOA and signer records are never mirrored ({@link ZoneCopy} leaves them out too).
 */
public final class Mirror {
    private Mirror() {}

    /**
     * True from the end of copy-zone (not taken back by a rollback) until release-old is done: every change
     * the plan makes then goes to both providers, and every wait for propagation covers both server sets.
     */
    public static boolean bothServe(Timeline timeline, JournalState st) {
        Optional<ScheduledPhase> copy = timeline.first(Action.COPY_ZONE);
        if (copy.isEmpty() || !st.isDone(copy.get().id())) return false;
        String id = copy.get().id();
        java.time.Instant since = st.phase(id).get().startedAt();
        for (Batch b : st.batches()) {
            // A copy a rollback removed (a copy made again after 'apply --restart' started later).
            boolean thisCopy = b.phase().equals(id) && !b.intent().at().isBefore(since);
            if (thisCopy && st.undoneByRollback(b.id())) return false;
        }
        Optional<ScheduledPhase> release = timeline.first(Action.RELEASE_OLD);
        return release.isEmpty() || !st.isDone(release.get().id());
    }

    /** An image at the old provider as the new one holds it: the apex NS names {@code nameservers}; the rest are the same. */
    static RRset image(RRset s, String zone, List<String> nameservers) {
        if (s == null || !isApexNs(s.name(), s.type(), zone)) return s;
        return s.withData(nameservers.stream().map(Names::canonical).toList());
    }

    /**
     * {@code c} as the new provider takes it, or empty when there is nothing to mirror: the new provider's own
     * SOA, signer records (the new provider signs, or not, by itself), or a change the new images make a no-op
     * (an apex NS that only changes its data to the new set, as after the delegation).
     */
    static Optional<RRsetChange> of(RRsetChange c, List<String> nameservers) {
        String type = c.key().type();
        if (type.equals("SOA") && c.key().name().equals(c.zone()) || ZoneCopy.SIGNER_TYPES.contains(type)) {
            return Optional.empty();
        }
        RRset before = image(c.before(), c.zone(), nameservers);
        RRset after = image(c.after(), c.zone(), nameservers);
        if (Objects.equals(before, after)) return Optional.empty();
        return Optional.of(new RRsetChange(c.zone(), c.key(), before, after));
    }

    /**
     * What the new servers must serve where the old ones must serve {@code expected}: the same, the apex NS as
     * the new provider holds it, nothing of the new provider's own SOA or of signer records.
     */
    static List<Expectation> expectations(List<Expectation> expected, List<String> nameservers) {
        List<Expectation> out = new ArrayList<>();
        for (Expectation e : expected) {
            String type = e.key().type();
            if (type.equals("SOA") && e.key().name().equals(e.zone()) || ZoneCopy.SIGNER_TYPES.contains(type)) continue;
            out.add(new Expectation(e.zone(), e.key(), image(e.rrset(), e.zone(), nameservers)));
        }
        return out;
    }

    /** What the new provider must be written now, or why not. */
    public sealed interface Follow {
        /** These changes (before-images: what the new provider holds now) bring it level with the old one. */
        record Write(List<RRsetChange> changes) implements Follow {
            public Write {
                changes = List.copyOf(changes);
            }
        }

        /** The new provider holds something neither image of the old side's change: someone else changed it. */
        record Conflict(List<String> why) implements Follow {
            public Conflict {
                why = List.copyOf(why);
            }
        }
    }

    /**
     * What the new provider must be written so that it holds what {@code written} (changes the plan writes, or
     * wrote, at the old provider) made there. A mirrored RRset already holding its after-image is done (a
     * phase resumed after a crash finds its own earlier writes so); one holding its before-image is written;
     * anything else is someone else's change, never overwritten.
     *
     * @param atNew the zones as the new provider holds them now (at least the RRsets of {@code written})
     */
    public static Follow follow(List<RRsetChange> written, Map<String, ZoneSnapshot> atNew, List<String> nameservers) {
        List<RRsetChange> out = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (RRsetChange c : written) {
            Optional<RRsetChange> m = of(c, nameservers);
            if (m.isEmpty()) continue;
            ZoneSnapshot z = atNew.get(c.zone());
            RRset now = z == null ? null : z.get(c.key());
            if (Objects.equals(now, m.get().after())) continue;
            if (Objects.equals(now, m.get().before())) {
                out.add(m.get());
            } else {
                conflicts.add(c.key() + " is " + JournaledWriter.image(now) + " at the new provider, neither "
                        + JournaledWriter.image(m.get().before()) + " (as the old provider has it) nor "
                        + JournaledWriter.image(m.get().after()));
            }
        }
        return conflicts.isEmpty() ? new Follow.Write(out) : new Follow.Conflict(conflicts);
    }

    private static boolean isApexNs(String name, String type, String zone) {
        return type.equals("NS") && name.equals(zone);
    }
}
