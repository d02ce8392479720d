package dev.migrate.bench;

import dev.migrate.cli.Main;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.lab.PostgresServer;
import dev.migrate.state.Event;
import dev.migrate.state.FileStateStore;
import dev.migrate.state.JournalSession;
import dev.migrate.state.StateStore;
import dev.migrate.state.pg.PostgresStateStore;
import dev.migrate.state.pg.PostgresUrl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Benchmark, not a test: the two state backends side by side. (1) Journal append latency, each append
 * durable before it returns (fsync of the file; a committed insert with {@code synchronous_commit = on}
 * on a lab PostgreSQL 15 on loopback), for a small event and for an intent carrying 500 RRsets' images
 * (a full rfc2136 batch). (2) A whole {@code migrate apply} of the swap of 5,000 RRsets on the zone-file
 * provider (batches of 500, so 10 intents and 10 commits), through the CLI in process, with
 * {@code --state file:} and with {@code --state postgresql://...}. See bench/README.md.
 */
public final class StateBench {
    static final String OLD = "203.0.113.10";
    static final String NEW = "198.51.100.20";

    public static void main(String[] args) throws Exception {
        int appends = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rrsets = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work = Files.createTempDirectory("migrate-bench-state");
        try (PostgresServer pg = PostgresServer.start()) {
            Path pw = work.resolve("pg.pw");
            Files.writeString(pw, pg.password());
            String url = pg.url() + "&passwordFile=" + pw;
            System.out.printf("journal append, durable, %d appends each (ms)%n", appends);
            System.out.printf("  %-40s %7s %7s %7s %7s%n", "", "mean", "p50", "p99", "max");
            for (boolean big : new boolean[] {false, true}) {
                String what = big ? "intent of 500 RRsets" : "small event";
                report("file  " + what, appendLatency(new FileStateStore(work.resolve("file-" + big), Clock.systemUTC()),
                        appends, big));
                report("pgsql " + what, appendLatency(PostgresStateStore.of(PostgresUrl.parse(url, work), "bench-" + big,
                        "d", Clock.systemUTC(), k -> null), appends, big));
            }
            System.out.printf("%nmigrate apply: swap of %d RRsets, zone-file provider, batches of 500 (s, wall)%n", rrsets);
            for (String state : List.of("file:", url)) {
                List<Double> times = new ArrayList<>();
                for (int r = 0; r < runs; r++) times.add(applySwap(work.resolve("apply-" + times.size() + "-" + state.hashCode()),
                        rrsets, state, "bench-swap-" + r + "-" + Math.abs(state.hashCode() % 1000)));
                System.out.printf("  %-40s %s%n", state.startsWith("file") ? "--state file:" : "--state postgresql://...",
                        times.stream().map(t -> String.format("%.2f", t)).toList());
            }
        } finally {
            deleteTree(work);
        }
        System.out.printf("load average %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    static double[] appendLatency(StateStore store, int n, boolean big) throws Exception {
        List<RRsetChange> changes = new ArrayList<>();
        if (big) {
            for (int i = 0; i < 500; i++) {
                String name = String.format("h%05d.bench.test.", i);
                changes.add(RRsetChange.of("bench.test.", new RRset(name, "A", 300, List.of(OLD)),
                        new RRset(name, "A", 300, List.of(NEW))));
            }
        }
        double[] ms = new double[n];
        try (JournalSession s = store.open("bench")) {
            for (int i = 0; i < 20; i++) s.append(Event.PHASE_STARTED, "warm-up", Map.of()); // JIT, prepared statements
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                if (big) s.append(Event.INTENT, "swap", "swap#" + i, "bench.test.", changes, Map.of());
                else s.append(Event.COMMIT, "swap", "swap#" + i, "bench.test.", null, Map.of());
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        return ms;
    }

    static void report(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf("  %-40s %7.2f %7.2f %7.2f %7.2f%n", what, Arrays.stream(s).average().orElse(0),
                s[s.length / 2], s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)], s[s.length - 1]);
    }

    /** Untimed lower-ttl and verify, then the swap at T timed. Returns seconds. */
    static double applySwap(Path dir, int n, String state, String name) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        StringBuilder zone = new StringBuilder("""
                $ORIGIN bench.test.
                $TTL 3600
                @   IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300
                @   IN NS  ns1.bench.test.
                ns1 IN A   127.0.0.1
                """);
        for (int i = 0; i < n; i++) zone.append(String.format("h%05d 3600 IN A %s%n", i, OLD));
        Files.writeString(dir.resolve("zones/bench.test.zone"), zone);
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: %s
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones, batchSize: 500 }
                zones: [bench.test]
                ttl: { lowered: 300 }
                rewrite:
                  - { from: %s, to: %s }
                """.formatted(name, OLD, NEW));
        cli("apply", plan.toString(), "--now", "2026-11-28T02:00:00Z", "--state", state);
        cli("apply", plan.toString(), "--now", "2026-11-30T02:00:00Z", "--state", state);
        long t = System.nanoTime();
        cli("apply", plan.toString(), "--now", "2026-12-01T02:00:00Z", "--state", state);
        double s = (System.nanoTime() - t) / 1e9;
        String z = Files.readString(dir.resolve("zones/bench.test.zone"));
        long moved = z.lines().filter(l -> l.contains(NEW)).count();
        if (moved != n) throw new IllegalStateException("the swap moved " + moved + " of " + n + " RRsets");
        return s;
    }

    static void cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        if (code != 0) throw new IllegalStateException("migrate " + String.join(" ", args).replaceAll("passwordFile=\\S+", "...")
                + " exited " + code + ": " + out + err);
    }

    static void deleteTree(Path root) throws Exception {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
