package dev.migrate.bench;

import dev.migrate.dns.RRset;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.KnotServer;
import dev.migrate.lab.LabBinaries;
import dev.migrate.lab.LabServer;
import dev.migrate.probe.AuthoritativeProbe;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.NameServer;
import dev.migrate.probe.Round;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: one propagation sweep is 2,000 RRsets x 4 authoritative addresses (2 BIND, 2 Knot,
 * each serving the same zone on 127.0.0.1). Prints the probe's queries per second beside {@code dnsperf}
 * against the same servers and the runbooks' method, a shell loop of {@code dig}, measured in one run.
 * Target: the probe at least half of dnsperf's rate. Command: bench/README.md.
 */
public final class PropagationBench {
    static final String ZONE = "bench.test.";
    static final int RRSETS = 2000;
    static final int SWEEPS = Integer.getInteger("bench.sweeps", 10);
    static final int WARMUP = 10;
    static final int DIG_SAMPLE = 200;

    public static void main(String[] args) throws Exception {
        int rrsets = args.length > 0 ? Integer.parseInt(args[0]) : RRSETS;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        StringBuilder zone = new StringBuilder("""
                $TTL 300
                @    IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 60
                @    IN NS  ns1.bench.test.
                ns1  IN A   127.0.0.1
                """);
        List<Expectation> expected = new ArrayList<>();
        for (int i = 0; i < rrsets; i++) {
            String ip = "198.51." + (100 + i / 250) + "." + (i % 250 + 1);
            zone.append(String.format("h%04d IN A %s%n", i, ip));
            RRset s = RRset.of(String.format("h%04d.%s", i, ZONE), "A", 300, List.of(ip));
            expected.add(new Expectation(ZONE, s.key(), s));
        }
        List<LabServer> servers = new ArrayList<>();
        Path tmp = Files.createTempDirectory("migrate-bench-");
        try {
            int count = Integer.getInteger("bench.servers", 4); // 2 BIND, 2 Knot
            for (int i = 0; i < count; i++) {
                servers.add(i % 4 < Integer.getInteger("bench.bind", 2) ? BindServer.builder().addPrimaryZone(ZONE, zone.toString()).start()
                        : KnotServer.builder().addZone(ZONE, zone.toString()).start());
            }
            List<NameServer> ns = new ArrayList<>();
            for (LabServer s : servers) ns.add(new NameServer(ZONE, s.getClass().getSimpleName(), new InetSocketAddress("127.0.0.1", s.port())));
            AuthoritativeProbe probe = new AuthoritativeProbe(Map.of(ZONE, ns),
                    new AuthoritativeProbe.Settings(false, Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 2, inFlight, 0.2),
                    Clock.systemUTC(), Sleeper.REAL);
            int perSweep = servers.size() * (rrsets + 1);

            // Warm-up: JIT, socket paths, server caches.
            for (int i = 0; i < WARMUP; i++) check(probe.probeOnce(expected), servers.size());
            List<Long> sweepMs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < SWEEPS; i++) {
                long s0 = System.nanoTime();
                check(probe.probeOnce(expected), servers.size());
                sweepMs.add((System.nanoTime() - s0) / 1_000_000);
            }
            double probeSec = (System.nanoTime() - t0) / 1e9;
            double probeQps = SWEEPS * perSweep / probeSec;

            // dnsperf: the same names, each server in turn, SWEEPS passes over the file (EDNS0 like the probe).
            Path data = tmp.resolve("queries.txt");
            StringBuilder q = new StringBuilder();
            for (Expectation e : expected) q.append(e.key().name()).append(" A\n");
            Files.writeString(data, q);
            String dnsperf = LabBinaries.require("dnsperf").toString();
            long perfQueries = 0;
            double perfSec = 0;
            for (LabServer s : servers) {
                String out = run(List.of(dnsperf, "-s", "127.0.0.1", "-p", Integer.toString(s.port()), "-d", data.toString(),
                        "-n", Integer.toString(SWEEPS), "-e", "-t", "2"), Duration.ofMinutes(2));
                perfQueries += number(out, "Queries completed:\\s+(\\d+)");
                perfSec += Double.parseDouble(find(out, "Run time \\(s\\):\\s+([0-9.]+)"));
            }
            double perfQps = perfQueries / perfSec;
            // And all four at once, the load shape of a sweep (every server busy together).
            List<Process> running = new ArrayList<>();
            List<Path> outs = new ArrayList<>();
            long p0 = System.nanoTime();
            for (LabServer s : servers) {
                Path o = tmp.resolve("dnsperf-" + s.port() + ".out");
                outs.add(o);
                running.add(new ProcessBuilder(dnsperf, "-s", "127.0.0.1", "-p", Integer.toString(s.port()), "-d", data.toString(),
                        "-n", Integer.toString(SWEEPS), "-e", "-t", "2").redirectErrorStream(true).redirectOutput(o.toFile()).start());
            }
            long parQueries = 0;
            for (Process pr : running) {
                if (!pr.waitFor(2, TimeUnit.MINUTES)) {
                    pr.destroyForcibly();
                    throw new IllegalStateException("dnsperf did not finish in 2 minutes");
                }
            }
            double parSec = (System.nanoTime() - p0) / 1e9;
            for (Path o : outs) parQueries += number(Files.readString(o), "Queries completed:\\s+(\\d+)");
            double parQps = parQueries / parSec;

            // The runbooks' dig loop, on a sample (a process per query: the full sweep would take minutes).
            Path script = tmp.resolve("dig-loop.sh");
            String dig = LabBinaries.require("dig").toString();
            StringBuilder sh = new StringBuilder("#!/bin/sh\n");
            for (int i = 0; i < DIG_SAMPLE; i++) {
                LabServer s = servers.get(i % servers.size());
                sh.append(dig).append(" +norecurse +time=2 +tries=1 +short -p ").append(s.port()).append(" @127.0.0.1 ")
                        .append(expected.get(i).key().name()).append(" A >/dev/null\n");
            }
            Files.writeString(script, sh);
            long d0 = System.nanoTime();
            run(List.of("/bin/sh", script.toString()), Duration.ofMinutes(5));
            double digSec = (System.nanoTime() - d0) / 1e9;
            double digQps = DIG_SAMPLE / digSec;

            System.out.printf("sweep: %d RRsets x %d addresses (+1 SOA each) = %d queries per sweep, %d sweeps%n",
                    rrsets, servers.size(), perSweep, SWEEPS);
            System.out.printf("%-34s %9s %9s %12s%n", "method", "queries", "seconds", "queries/s");
            System.out.printf("%-34s %9d %9.3f %12.0f%n", "migrate probe (AuthoritativeProbe)", SWEEPS * perSweep, probeSec, probeQps);
            System.out.printf("%-34s %9d %9.3f %12.0f%n", "dnsperf -q 100, server by server", perfQueries, perfSec, perfQps);
            System.out.printf("%-34s %9d %9.3f %12.0f%n", "dnsperf, 4 at once (one per server)", parQueries, parSec, parQps);
            System.out.printf("%-34s %9d %9.3f %12.0f%n", "dig in a shell loop (sample)", DIG_SAMPLE, digSec, digQps);
            System.out.println("probe sweeps (ms): " + sweepMs + "; in flight at most " + inFlight);
            System.out.printf("probe / dnsperf = %.2f server by server, %.2f 4 at once (target >= 0.50); probe / dig loop = %.0fx;"
                    + " one sweep takes %.0f ms%n", probeQps / perfQps, probeQps / parQps, probeQps / digQps, probeSec * 1000 / SWEEPS);
        } finally {
            for (LabServer s : servers) s.close();
        }
    }

    private static void check(Round r, int servers) {
        if (r.addresses().size() != servers || r.inSync() != servers) {
            throw new IllegalStateException("not every address matched: " + r.laggards());
        }
    }

    private static String run(List<String> cmd, Duration limit) throws IOException, InterruptedException {
        Path out = Files.createTempFile("migrate-bench-", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd.get(0) + " did not finish in " + limit);
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        if (p.exitValue() != 0) throw new IllegalStateException(cmd + " exited " + p.exitValue() + ":\n" + text);
        return text;
    }

    private static long number(String text, String regex) {
        return Long.parseLong(find(text, regex));
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IllegalStateException("no " + regex + " in:\n" + text);
        return m.group(1);
    }
}
