package dev.migrate.bench;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.Planner;
import dev.migrate.engine.Preview;
import dev.migrate.engine.Workspace;
import dev.migrate.plan.Plan;
import dev.migrate.provider.Providers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Not a test: times {@code migrate plan} on a generated 100,000-record zone with a rewrite rule that hits
 * 10,000 of its records. Prints the wall time of the launcher as a subprocess (3 runs, min and median) and
 * of the same work in process (load, read, preview), beside {@code named-checkzone} on the same file (the goal:
 * within 2x of it). Target: under 3 s of wall time. See bench/README.md.
 *
 * <p>Arguments: {@code [records] [runs]}; system property {@code migrate.project.dir} (default: the current
 * directory) says where {@code ./migrate} is; {@code bench.jar} runs that jar instead.
 */
public final class PlanBenchmark {
    static final String ZONE = "bench.example";
    static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    static final long TARGET_MS = 3000;

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path project = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("migrate-bench");
        try {
            Path plan = generate(dir, records);
            System.out.printf("zone: %,d records (%,d bytes), plan: %s%n", records,
                    Files.size(dir.resolve("zones/" + ZONE + ".zone")), plan);
            // Wall time depends on what else the machine is doing: say so beside the figures.
            System.out.printf("machine: %d cores, load average %.2f, java %s%n", Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    System.getProperty("java.version"));

            // Make sure the jar is built before timing (a first call may build it).
            Subprocess warm = run(project, launcher("--version"));
            if (warm.exit != 0) throw new IllegalStateException("./migrate --version failed: " + warm.err);

            long textMedian = 0;
            long textCpu = 0;
            for (String output : List.of("text", "json")) {
                List<Long> times = new ArrayList<>();
                List<Long> cpu = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    Subprocess r = run(project, launcher("plan", plan.toString(), "--now", NOW.toString(),
                            "--output", output));
                    if (r.exit != 0) {
                        throw new IllegalStateException("migrate plan exited " + r.exit + ":\n" + r.err + r.out);
                    }
                    times.add(r.millis);
                    cpu.add(r.cpuMillis);
                    if (i == 0 && output.equals("text")) System.out.println(summary(r.out));
                }
                report("./migrate plan --output " + output + " (subprocess, wall)", times);
                report("./migrate plan --output " + output + " (subprocess, CPU)", cpu);
                if (output.equals("text")) {
                    textMedian = median(times);
                    textCpu = median(cpu);
                }
            }

            // The reference: BIND's own zone checker parses and checks the same file (one process, no JVM).
            Path checkzone = dev.migrate.lab.LabBinaries.require("named-checkzone");
            List<Long> checks = new ArrayList<>();
            List<Long> checkCpu = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Subprocess r = run(dir, List.of(checkzone.toString(), ZONE, "zones/" + ZONE + ".zone"));
                if (r.exit != 0) throw new IllegalStateException("named-checkzone exited " + r.exit + ":\n" + r.out + r.err);
                checks.add(r.millis);
                checkCpu.add(r.cpuMillis);
            }
            report("named-checkzone (subprocess, wall)", checks);
            report("named-checkzone (subprocess, CPU)", checkCpu);
            long checkMedian = median(checks);

            List<Long> inProcess = new ArrayList<>();
            Preview last = null;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                Providers providers = Providers.discover();
                Plan p = Workspace.load(plan, providers);
                try (Workspace ws = Workspace.open(p, providers, System::getenv, Clock.systemUTC())) {
                    Map<String, ZoneSnapshot> live = ws.readLive();
                    last = Planner.preview(p, live, ws.provider().capabilities(), NOW);
                }
                inProcess.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            report("load + read + preview (in process" + (System.getProperty("bench.jar") != null
                    ? ", this classpath's build)" : ")"), inProcess);
            System.out.printf("targets: %,d; changes: %s%n", last.targets().size(),
                    last.changesByPhase().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).toList());
            System.out.printf("target: ./migrate plan under %d ms of wall time: %s (median %d ms)%n", TARGET_MS,
                    textMedian < TARGET_MS ? "met" : "NOT met", textMedian);
            System.out.printf("plan / named-checkzone: %.1fx wall (medians %d / %d ms; goal within 2x: %s), %.1fx CPU%n",
                    (double) textMedian / checkMedian, textMedian, checkMedian, textMedian <= 2 * checkMedian ? "met" : "NOT met",
                    (double) textCpu / median(checkCpu));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** A zone of {@code records} records (one per name, mixed types) and a plan with changes and a rewrite. */
    static Path generate(Path dir, int records) throws IOException {
        Files.createDirectories(dir.resolve("zones"));
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("zones/" + ZONE + ".zone"))) {
            w.write("$ORIGIN " + ZONE + ".\n$TTL 3600\n");
            w.write("@ 3600 IN SOA ns1 hostmaster 2026112001 7200 900 1209600 300\n");
            w.write("@ 86400 IN NS ns1\n");
            w.write("ns1 86400 IN A 198.18.0.53\n");
            for (int i = 3; i < records; i++) {
                String name = "h" + i;
                switch (i % 10) {
                    // every tenth record sits on the old mail server: the rewrite moves 10% of the zone
                    case 0 -> w.write(name + " 14400 IN A 203.0.113.25\n");
                    case 1, 2, 3, 4, 5 -> w.write(name + " 3600 IN A 198.18." + (i >> 8 & 255) + "." + (i & 255) + "\n");
                    case 6 -> w.write(name + " 3600 IN AAAA 2001:db8:" + Integer.toHexString(i >> 16) + ":"
                            + Integer.toHexString(i & 0xffff) + "::1\n");
                    case 7 -> w.write(name + " 300 IN TXT \"v=spf1 ip4:198.18.0.0/15 -all\" \"id " + i + "\"\n");
                    case 8 -> w.write(name + " 3600 IN CNAME h" + (i - 3) + "\n");
                    default -> w.write(name + " 3600 IN MX 10 mail" + (i % 7) + "." + ZONE + ".\n");
                }
            }
        }
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: bench
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [%s]
                ttl: { lowered: 300 }
                changes:
                  - { name: h11, type: A, from: [198.18.0.11], to: [198.51.100.20] }
                  - { name: h16, type: AAAA, to: ["2001:db8:20::20"] }
                  - { name: h17, type: TXT, to: ['"v=spf1 ip4:198.51.100.25 -all"'] }
                  - { name: new-api, type: A, to: [198.51.100.30] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                """.formatted(ZONE));
        return plan;
    }

    /**
     * {@code ./migrate ARGS}, or with {@code -Dbench.jar=JAR} that jar run with the launcher's JVM flags
     * (to measure another build, e.g. the one before a change, on the same zone).
     */
    static List<String> launcher(String... args) {
        List<String> cmd = new ArrayList<>();
        String jar = System.getProperty("bench.jar");
        if (jar == null) cmd.add("./migrate");
        else cmd.addAll(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", Path.of(jar).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** One run: exit code, wall time, CPU time (user + system, -1 without /usr/bin/time), output. */
    record Subprocess(int exit, long millis, long cpuMillis, String out, String err) {}

    static Subprocess run(Path project, List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bench-out", ".txt");
        Path err = Files.createTempFile("bench-err", ".txt");
        Path rusage = Files.createTempFile("bench-time", ".txt");
        // CPU time beside wall time: on a machine others share, wall time moves with their load, CPU time
        // much less (it is what the comparison with named-checkzone rests on).
        Path time = Path.of("/usr/bin/time");
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(time)) full.addAll(List.of(time.toString(), "-f", "%U %S", "-o", rusage.toString()));
        full.addAll(cmd);
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(full).directory(project.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit = p.waitFor();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            long cpu = -1;
            String[] f = Files.readString(rusage).trim().split("\\s+");
            if (f.length >= 2 && !f[0].isEmpty()) {
                cpu = Math.round((Double.parseDouble(f[f.length - 2]) + Double.parseDouble(f[f.length - 1])) * 1000);
            }
            return new Subprocess(exit, ms, cpu, Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(rusage);
        }
    }

    static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    static void report(String what, List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("%-55s min %5d ms   median %5d ms   runs %s%n", what, sorted.get(0),
                sorted.get(sorted.size() / 2), millis);
    }

    static String summary(String text) {
        return text.lines().filter(l -> l.contains("RRsets") || l.contains("earliest safe swap") || l.contains("  swap "))
                .map(l -> "  | " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
