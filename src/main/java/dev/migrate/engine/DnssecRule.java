package dev.migrate.engine;

import dev.migrate.dns.Names;
import dev.migrate.engine.SafetyGate.Gate;
import dev.migrate.plan.MoveSpec;
import dev.migrate.probe.ParentView;
import dev.migrate.state.JournalState;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * May the delegation move, given what the parent holds for DNSSEC? (DOMAIN.md, "Delegation moves": a DS
 * left at the parent over a zone the new provider does not sign with matching keys makes every validating
 * resolver answer SERVFAIL.) Pure.
 *
 * <ul>
 *   <li>No DS at the parent, and none seen before: go.</li>
 *   <li>A DS over a new zone that is not signed (the new servers serve no DNSKEY): refused, whatever the plan says.</li>
 *   <li>A DS and a plan that does not say how ({@code move.dnssec}): refused.</li>
 *   <li>{@code remove-ds-first}: refused while the DS is served; once it is gone from every parent address,
 *       held until its TTL (as last served) + margin has passed since then, so no cache still holds it
 *       (RFC 4035 §5: a validator that has the DS expects a signed zone).</li>
 *   <li>{@code same-keys} (multi-signer, RFC 8901): go when a DS at the parent matches a DNSKEY the new servers
 *       serve (RFC 4034 §5.1.4 digest), else refused.</li>
 * </ul>
 */
public final class DnssecRule {
    private DnssecRule() {}

    /**
     * @param policy     {@code move.dnssec}, or null when the plan does not say
     * @param ds         the DS as every parent address serves it now ({@code DelegationProbe.Round.ds()})
     * @param newDnskeys the DNSKEY records (presentation form) the new servers serve; empty when unsigned
     * @param history    what the journal saw of the DS before now
     */
    public static Gate beforeDelegate(String zone, MoveSpec.Dnssec policy, ParentView.Ds ds, List<String> newDnskeys,
            JournalState.DsHistory history, Duration margin, Instant now) {
        String z = Names.canonical(zone);
        switch (ds.status()) {
            case UNKNOWN -> {
                return new Gate.Refused("cannot tell whether the parent holds a DS for " + z + " (" + ds.detail()
                        + "); the delegation moves only once every parent address answers");
            }
            case PRESENT -> {
                String held = "the parent holds a DS for " + z + " (TTL " + ds.ttl() + " s)";
                if (newDnskeys.isEmpty()) {
                    return new Gate.Refused(held + " and the new provider does not sign the zone: once the delegation"
                            + " moves, validating resolvers would answer SERVFAIL for every name in it. "
                            + (policy == MoveSpec.Dnssec.SAME_KEYS ? "same-keys needs the new servers to serve the same keys;"
                                    + " sign the zone there first, or " : "")
                            + "remove the DS at the registrar first (move.dnssec: remove-ds-first)");
                }
                if (policy == null) {
                    return new Gate.Refused(held + " and the plan does not say how to move with it: set move.dnssec to"
                            + " remove-ds-first (remove the DS at the registrar; the move waits out its TTL) or same-keys"
                            + " (both providers serve the same keys, RFC 8901)");
                }
                if (policy == MoveSpec.Dnssec.REMOVE_DS_FIRST) {
                    return new Gate.Refused(held + ": remove it at the registrar; the delegation moves once it is gone"
                            + " from every parent address and its TTL + " + Durations.human(margin) + " has passed");
                }
                List<String> matching = matching(z, ds.records(), newDnskeys);
                if (matching.isEmpty()) {
                    return new Gate.Refused(held + " and none of its records matches a DNSKEY the new servers serve:"
                            + " same-keys needs the new provider to serve a key the parent's DS names");
                }
                return new Gate.Open(List.of());
            }
            default -> {
                if (history.goneSince() == null || history.lastTtl() < 0) return new Gate.Open(List.of());
                Instant until = history.goneSince().plusSeconds(history.lastTtl()).plus(margin);
                if (!now.isBefore(until)) return new Gate.Open(List.of());
                return new Gate.HeldUntil(until, "delegate waits until " + until + " (" + Durations.relative(until, now)
                        + "): the DS for " + z + " was last served with TTL " + history.lastTtl() + " s and was gone from"
                        + " every parent address at " + history.goneSince() + "; a validating resolver may hold it until"
                        + " then (margin " + Durations.human(margin) + ")");
            }
        }
    }

    /** The parent's DS records (presentation form) that match one of the DNSKEYs, by key tag, algorithm and digest. */
    static List<String> matching(String zone, List<String> dsRecords, List<String> dnskeys) {
        Name owner = Names.toName(zone);
        List<DNSKEYRecord> keys = new ArrayList<>();
        for (String k : dnskeys) {
            Record r = parse(owner, Type.DNSKEY, k);
            if (r instanceof DNSKEYRecord key) keys.add(key);
        }
        List<String> out = new ArrayList<>();
        for (String d : dsRecords) {
            if (!(parse(owner, Type.DS, d) instanceof DSRecord ds)) continue;
            for (DNSKEYRecord key : keys) {
                if (key.getFootprint() != ds.getFootprint() || key.getAlgorithm() != ds.getAlgorithm()) continue;
                DSRecord made = new DSRecord(owner, DClass.IN, 0, ds.getDigestID(), key);
                if (Arrays.equals(made.getDigest(), ds.getDigest())) {
                    out.add(d);
                    break;
                }
            }
        }
        return out;
    }

    private static Record parse(Name owner, int type, String data) {
        try {
            return Record.fromString(owner, type, DClass.IN, 0, data, owner);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
