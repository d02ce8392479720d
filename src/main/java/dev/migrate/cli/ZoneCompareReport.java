package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.MoveProbes;
import dev.migrate.engine.ZoneCopy;
import dev.migrate.plan.Plan;
import dev.migrate.probe.Difference;
import dev.migrate.probe.ProbeException;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ZoneComparison;
import dev.migrate.support.Sleeper;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code migrate check PLAN --compare}: a provider move's whole-zone comparison on demand, the one the
 * compare phase runs. Every address of every new nameserver is asked (RD=0) for every RRset of the zone as
 * the plan's provider holds it (its SOA and signer records aside, the apex NS being {@code move.nameservers}),
 * and must answer with authority, the same data and TTL. Read-only. Exit 0 when every address serves it
 * exactly, 3 otherwise.
 */
final class ZoneCompareReport {
    private ZoneCompareReport() {}

    /** One zone compared. */
    record Compared(String zone, int expected, ZoneComparison.Sweep sweep, boolean identical) {}

    static int run(Plan p, Map<String, ZoneSnapshot> live, String readFrom, boolean watch, Duration bound, int limit,
            boolean json, PrintWriter out, PrintWriter err, Clock clock) throws InterruptedException {
        MoveProbes probes = new MoveProbes(clock, Sleeper.REAL);
        List<Compared> zones = new ArrayList<>();
        for (String zone : p.zones()) {
            List<RRset> expected = ZoneCopy.expected(live.get(zone), p.move().nameservers());
            ZoneComparison comparison;
            try {
                comparison = probes.comparison(p, zone);
            } catch (ProbeException e) {
                throw new CliException(ExitCode.INVALID, zone + ": " + e.getMessage());
            }
            if (watch) {
                ProgressLine line = json ? null : ProgressLine.forConsole(err);
                ZoneComparison.Outcome o = comparison.await(expected, clock.instant().plus(bound),
                        line == null ? PropagationCheck.Listener.NONE : line);
                if (line != null) line.done();
                zones.add(new Compared(zone, expected.size(), o.last(), o.identical()));
            } else {
                ZoneComparison.Sweep s = comparison.compareOnce(expected);
                zones.add(new Compared(zone, expected.size(), s, s.identical()));
            }
        }
        boolean identical = zones.stream().allMatch(Compared::identical);
        if (json) {
            out.println(Json.write(json(zones, readFrom)));
        } else {
            text(out, p, zones, readFrom, limit);
        }
        return identical ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    static ObjectNode json(List<Compared> zones, String readFrom) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("expectedFrom", readFrom);
        ArrayNode zs = root.putArray("zones");
        for (Compared c : zones) {
            ObjectNode z = zs.addObject();
            z.put("zone", c.zone());
            z.put("rrsets", c.expected());
            z.put("identical", c.identical());
            ArrayNode addrs = z.putArray("addresses");
            for (ZoneComparison.AddressComparison a : c.sweep().addresses()) {
                ObjectNode o = addrs.addObject();
                o.put("name", a.server().name());
                o.put("address", a.server().addressText());
                o.put("identical", a.identical());
                ArrayNode ds = o.putArray("differences");
                for (Difference d : a.differences()) {
                    ObjectNode x = ds.addObject();
                    if (d.key() == null) {
                        x.putNull("name");
                        x.putNull("type");
                    } else {
                        x.put("name", d.key().name());
                        x.put("type", d.key().type());
                    }
                    x.put("kind", d.kind().words());
                    x.put("detail", d.detail());
                }
            }
        }
        return root;
    }

    static void text(PrintWriter out, Plan p, List<Compared> zones, String readFrom, int limit) {
        for (Compared c : zones) {
            out.println(c.zone() + ": " + c.expected() + " RRsets (" + (readFrom.equals("provider") ? "as the plan's provider"
                    + " holds them" : "as the newest authoritative address serves them, read without provider credentials")
                    + "; apex NS " + p.move().nameservers() + ") on every address of the new nameservers");
            for (ZoneComparison.AddressComparison a : c.sweep().addresses()) {
                out.println("  " + a.server().label() + "  " + (a.identical() ? "identical"
                        : a.differences().size() + " difference" + (a.differences().size() == 1 ? "" : "s")));
                int shown = 0;
                for (Difference d : a.differences()) {
                    if (shown++ == limit) {
                        out.println("    ... and " + (a.differences().size() - limit) + " more (--output json lists all)");
                        break;
                    }
                    out.println("    " + (d.key() == null ? "" : d.key() + ": ") + d.kind().words()
                            + (d.detail().isEmpty() ? "" : ": " + d.detail()));
                }
            }
            if (!c.sweep().occluded().isEmpty()) {
                out.println("  (" + c.sweep().occluded().size() + " RRset(s) below a zone cut, not glue, are not compared)");
            }
        }
        long identical = zones.stream().filter(Compared::identical).count();
        out.println();
        out.println(identical == zones.size()
                ? "every new nameserver address serves the zone" + (zones.size() == 1 ? "" : "s") + " exactly"
                : (zones.size() - identical) + "/" + zones.size() + " zone(s) differ on the new nameservers");
    }
}
