package dev.migrate.cli;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import java.io.PrintWriter;
import java.util.List;

/** Text rendering shared by commands. */
final class Render {
    private Render() {}

    static String data(RRset s) {
        return s == null ? "(none)" : String.join(", ", s.rdata());
    }

    static void changes(PrintWriter out, List<RRsetChange> changes, String indent, int limit) {
        int shown = 0;
        for (RRsetChange c : changes) {
            if (shown++ == limit) {
                out.println(indent + "... and " + (changes.size() - limit) + " more (use --output json for all)");
                return;
            }
            String who = Names.relative(c.key().name(), c.zone()) + (c.key().name().equals(c.zone()) ? "" : "")
                    + " " + c.key().type() + " (" + c.zone() + ")";
            switch (c.kind()) {
                case TTL -> out.println(indent + who + "  TTL " + c.before().ttl() + " -> " + c.after().ttl()
                        + "   " + data(c.before()));
                case CREATE -> out.println(indent + who + "  create  TTL " + c.after().ttl() + "  " + data(c.after()));
                case DELETE -> out.println(indent + who + "  delete  TTL " + c.before().ttl() + "  " + data(c.before()));
                default -> {
                    out.println(indent + who);
                    out.println(indent + "    before  TTL " + c.before().ttl() + "  " + data(c.before()));
                    out.println(indent + "    after   TTL " + c.after().ttl() + "  " + data(c.after()));
                }
            }
        }
    }
}
