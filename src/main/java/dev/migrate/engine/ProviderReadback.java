package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Confirms against the provider's own read-back: for providers nothing else serves (zone files with no
 * reload), or when the plan says {@code propagation: { via: provider }}. Weaker than asking every
 * authoritative server, and the report says so.
 */
public final class ProviderReadback implements PropagationCheck {
    private final DnsProvider provider;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration interval;

    public ProviderReadback(DnsProvider provider, Clock clock, Sleeper sleeper, Duration interval) {
        this.provider = provider;
        this.clock = clock;
        this.sleeper = sleeper;
        this.interval = interval;
    }

    @Override
    public Outcome await(List<Expectation> expected, Instant deadline, Listener listener) throws InterruptedException {
        Instant start = clock.instant();
        List<String> problems = List.of();
        // Bounded: at most one poll per interval until the deadline, and at least one poll.
        long maxPolls = Math.max(1, Duration.between(start, deadline).toMillis() / Math.max(1, interval.toMillis()) + 1);
        for (long i = 0; i < maxPolls; i++) {
            problems = mismatches(expected);
            listener.progress(problems.isEmpty() ? 1 : 0, 1, problems.isEmpty() ? List.of() : List.of(provider.describe()),
                    Duration.between(start, clock.instant()), deadline);
            if (problems.isEmpty()) {
                return new Outcome(true, clock.instant(), "the provider (" + provider.describe() + ") serves every"
                        + " changed RRset; confirmed by read-back, not by querying nameservers", List.of());
            }
            if (!clock.instant().plus(interval).isBefore(deadline)) break;
            sleeper.sleep(interval);
        }
        return new Outcome(false, null, "the provider does not serve the expected data by " + deadline, problems);
    }

    private List<String> mismatches(List<Expectation> expected) {
        Map<String, ZoneSnapshot> zones = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (Expectation e : expected) {
            try {
                ZoneSnapshot z = zones.get(e.zone());
                if (z == null) {
                    List<dev.migrate.dns.RRsetKey> keys = expected.stream().filter(x -> x.zone().equals(e.zone()))
                            .map(Expectation::key).toList();
                    z = provider.read(e.zone(), keys);
                    zones.put(e.zone(), z);
                }
                RRset live = z.get(e.key());
                if (!Objects.equals(live, e.rrset())) {
                    out.add(provider.describe() + ": " + e.key() + " is " + (live == null ? "absent" : live.ttl() + " "
                            + live.rdata()) + ", expected " + (e.rrset() == null ? "absent" : e.rrset().ttl() + " " + e.rrset().rdata()));
                }
            } catch (ProviderException ex) {
                out.add(provider.describe() + ": unreachable: " + ex.getMessage());
            }
        }
        return out;
    }
}
