package dev.migrate.bench;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabBinaries;
import dev.migrate.lab.TsigKey;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark, not a test: one plan over N small zones on one BIND, as a hosting platform moves them
 * (rfc2136, TSIG, a rewrite of one old address that hits 2 RRsets per zone). For each step of the
 * cycle (plan, lower-ttl, swap, confirm, restore-ttl, rollback, and the original TTLs put back a day after
 * the rollback) it runs {@code migrate} as a child
 * process ({@code java -jar JAR}, the launcher's JVM flags) and prints its wall time and peak RSS
 * (from {@code /usr/bin/time}) beside two references on the same server: one {@code nsupdate} process
 * making the same change with the same prerequisites (one UPDATE per zone and batch, as migrate sends),
 * (over TCP) and one {@code dig -f} process transferring every zone (AXFR). After each migrate step the transfer
 * also checks that every zone holds exactly what the step should have left: a figure counts only if
 * the change is whole.
 *
 * <p>The nsupdate reference runs on the same zones just before migrate's step, then is undone (untimed)
 * so that migrate finds the state its journal expects.
 *
 * <p>Arguments: zone counts (default {@code 1000 5000}). Properties: {@code bench.jar} (default
 * {@code target/migrate.jar}), {@code bench.javaOpts} (default the launcher's
 * {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}), {@code bench.stepTimeout} (minutes per step, default 60).
 * See bench/README.md.
 */
public final class ZonesBench {
    static final String OLD = "203.0.113.10";
    static final String NEW = "198.51.100.10";
    static final long ORIGINAL_TTL = 3600;
    static final long LOWERED_TTL = 300;
    static final String T = "2030-01-10T12:00:00Z";

    /** What the two rewritten RRsets of every zone hold after a step. */
    record State(String address, long ttl) {}

    static final State START = new State(OLD, ORIGINAL_TTL);
    static final State LOWERED = new State(OLD, LOWERED_TTL);
    static final State SWAPPED = new State(NEW, LOWERED_TTL);
    static final State RESTORED = new State(NEW, ORIGINAL_TTL);

    /**
     * One step: migrate's arguments, the state before and after, and the nsupdate changes that do the
     * same (each a list of state transitions applied one UPDATE per zone, in order; empty: no reference).
     */
    record Step(String name, List<String> args, State before, State after, List<State[]> nsupdate) {}

    record Timed(double seconds, long peakKb, String output) {}

    record Row(String step, Timed migrate, Double nsupdate, int messages, double axfr, double load) {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(1000, 5000) : Arrays.stream(args).map(Integer::parseInt).toList();
        Path jar = Path.of(System.getProperty("bench.jar", "target/migrate.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: build it (./migrate --version)");
        for (int n : sizes) run(n, jar);
    }

    static void run(int n, Path jar) throws Exception {
        Path work = Files.createTempDirectory("migrate-bench-zones");
        try {
            List<String> zones = new ArrayList<>();
            for (int i = 0; i < n; i++) zones.add(String.format("z%05d.test.", i));
            BindServer.Builder b = BindServer.builder();
            for (String z : zones) b.addPrimaryZone(z, zoneText(z));
            long t0 = System.nanoTime();
            try (BindServer bind = b.start()) {
                System.out.printf("%n%,d zones on one BIND (127.0.0.1:%d), started in %.1f s; %s%n", n, bind.port(),
                        (System.nanoTime() - t0) / 1e9, machine());
                Path plan = writePlan(work, bind, zones);
                Path keyFile = work.resolve("nsupdate.key");
                Files.writeString(keyFile, "key \"" + bind.key().name() + "\" { algorithm " + bind.key().algorithm()
                        + "; secret \"" + bind.key().secret() + "\"; };\n");
                List<Row> rows = new ArrayList<>();
                for (Step s : steps(plan)) {
                    Row r = step(s, n, bind, zones, keyFile, jar, work);
                    rows.add(r);
                    print(r);
                    if (s.name().equals("lower-ttl")) {
                        // verify, untimed: its own phase between lower-ttl and the swap (no checks in this plan)
                        migrate(jar, List.of("apply", plan.toString(), "--now", "2030-01-09T12:00:00Z"), work);
                    }
                }
                double total = rows.stream().mapToDouble(r -> r.migrate().seconds()).sum();
                long peak = rows.stream().mapToLong(r -> r.migrate().peakKb()).max().orElse(0);
                System.out.printf("%-12s %9.2f s  %7d MB (highest)%n", "cycle", total, peak / 1024);
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    static List<Step> steps(Path plan) {
        String p = plan.toString();
        return List.of(
                new Step("plan", List.of("plan", p, "--now", "2030-01-07T11:00:00Z"), START, START, List.of()),
                new Step("lower-ttl", List.of("apply", p, "--now", "2030-01-07T12:00:00Z"), START, LOWERED,
                        List.<State[]>of(new State[] {START, LOWERED})),
                new Step("swap", List.of("apply", p, "--now", T), LOWERED, SWAPPED,
                        List.<State[]>of(new State[] {LOWERED, SWAPPED})),
                new Step("confirm", List.of("apply", p, "--now", "2030-01-10T12:05:00Z"), SWAPPED, SWAPPED, List.of()),
                new Step("restore-ttl", List.of("apply", p, "--now", "2030-01-11T12:00:00Z"), SWAPPED, RESTORED,
                        List.<State[]>of(new State[] {SWAPPED, RESTORED})),
                // rollback undoes restore-ttl and the swap, newest first (one UPDATE per zone each): the old
                // data at once, at the lowered TTL for a day, so that a retry needs no new lowering ...
                new Step("rollback", List.of("rollback", p, "--now", "2030-01-11T13:00:00Z"), RESTORED, LOWERED,
                        List.<State[]>of(new State[] {RESTORED, SWAPPED}, new State[] {SWAPPED, LOWERED})),
                // ... then the next apply after that day puts the original TTL back
                new Step("ttl back", List.of("apply", p, "--now", "2030-01-12T13:00:00Z"), LOWERED, START,
                        List.<State[]>of(new State[] {LOWERED, START})));
    }

    static Row step(Step s, int n, BindServer bind, List<String> zones, Path keyFile, Path jar, Path work) throws Exception {
        Double ns = null;
        int messages = 0;
        if (!s.nsupdate().isEmpty()) {
            // Forward (timed), then back (untimed) so migrate finds what its journal expects.
            Path fwd = work.resolve("forward.nsupdate");
            messages = writeNsupdate(fwd, bind.port(), zones, s.nsupdate());
            ns = nsupdate(keyFile, fwd);
            List<State[]> back = new ArrayList<>();
            for (int i = s.nsupdate().size() - 1; i >= 0; i--) back.add(new State[] {s.nsupdate().get(i)[1], s.nsupdate().get(i)[0]});
            Path bwd = work.resolve("back.nsupdate");
            writeNsupdate(bwd, bind.port(), zones, back);
            nsupdate(keyFile, bwd);
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Timed m = migrate(jar, s.args(), work);
        double axfr = transferAndCheck(bind, zones, keyFile, work, s.after(), s.name());
        return new Row(s.name(), m, ns, messages, axfr, load);
    }

    static void print(Row r) {
        if (r.step().equals("plan")) {
            System.out.printf("%-12s %11s  %10s  %-26s %7s  %s%n", "step", "migrate", "peak RSS",
                    "nsupdate (one process)", "ratio", "dig -f: AXFR of all zones");
        }
        String ns = r.nsupdate() == null ? "-" : String.format(Locale.ROOT, "%.2f s (%,d UPDATEs)", r.nsupdate(), r.messages());
        String ratio = r.nsupdate() == null ? "-" : String.format(Locale.ROOT, "%.1fx", r.migrate().seconds() / r.nsupdate());
        System.out.printf("%-12s %9.2f s  %7d MB  %-26s %7s  %.2f s   (load %.1f)%n", r.step(), r.migrate().seconds(),
                r.migrate().peakKb() / 1024, ns, ratio, r.axfr(), r.load());
    }

    static String zoneText(String zone) {
        return """
                $TTL 3600
                @    IN SOA ns1.%1$s hostmaster.%1$s 1 3600 600 86400 300
                @    IN NS  ns1.%1$s
                ns1  IN A   127.0.0.1
                @    IN A   %2$s
                www  IN A   %2$s
                mail IN A   192.0.2.25
                @    IN MX  10 mail.%1$s
                @    IN TXT "v=spf1 mx -all"
                """.formatted(zone, OLD);
    }

    static Path writePlan(Path dir, BindServer bind, List<String> zones) throws IOException {
        Files.writeString(dir.resolve("key.secret"), bind.key().secret() + "\n");
        StringBuilder zs = new StringBuilder();
        for (String z : zones) zs.append("  - ").append(z, 0, z.length() - 1).append('\n');
        Path p = dir.resolve("zones.yaml");
        Files.writeString(p, """
                name: bench-zones
                cutover: %s
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  timeout: 5s
                nameservers: ["127.0.0.1:%d"]
                ttl: { lowered: %d, restore: original }
                rewrite:
                  - { from: %s, to: %s }
                zones:
                %s""".formatted(T, bind.port(), bind.key().name(), bind.key().algorithm(), bind.port(), LOWERED_TTL,
                OLD, NEW, zs));
        return p;
    }

    /** One UPDATE per zone and transition, prerequisites = the exact before-image, as migrate sends. */
    static int writeNsupdate(Path file, int port, List<String> zones, List<State[]> transitions) throws IOException {
        StringBuilder sb = new StringBuilder("server 127.0.0.1 " + port + "\n");
        int sends = 0;
        for (State[] t : transitions) {
            for (String z : zones) {
                sb.append("zone ").append(z).append('\n');
                for (String name : List.of(z, "www." + z)) {
                    // nsupdate's prerequisites compare data only (RFC 2136 §2.4.2), as the server's do for migrate
                    sb.append("prereq yxrrset ").append(name).append(" A ").append(t[0].address()).append('\n');
                    sb.append("update delete ").append(name).append(" A\n");
                    sb.append("update add ").append(name).append(' ').append(t[1].ttl()).append(" A ")
                            .append(t[1].address()).append('\n');
                }
                sb.append("send\n");
                sends++;
            }
        }
        Files.writeString(file, sb.toString());
        return sends;
    }

    static double nsupdate(Path keyFile, Path script) throws Exception {
        Path out = script.resolveSibling(script.getFileName() + ".out");
        long t0 = System.nanoTime();
        // -v: over TCP, as migrate sends. Over UDP nsupdate resends an update whose answer is late, and the
        // second copy then fails its prerequisites (the first had landed).
        Process p = new ProcessBuilder(LabBinaries.require("nsupdate").toString(), "-v", "-t", "60", "-k",
                keyFile.toString(), script.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(stepTimeout().toMinutes(), TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("nsupdate did not finish within " + stepTimeout());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) throw new IllegalStateException("nsupdate exited " + p.exitValue() + ": " + tail(out));
        return s;
    }

    static Duration stepTimeout() {
        return Duration.ofMinutes(Long.getLong("bench.stepTimeout", 60));
    }

    /** migrate as a child process under /usr/bin/time: wall time and peak RSS; a non-zero exit is fatal. */
    static Timed migrate(Path jar, List<String> args, Path work) throws Exception {
        Path time = LabBinaries.require("time");
        Path out = work.resolve("migrate.out");
        Path rusage = work.resolve("migrate.time");
        List<String> cmd = new ArrayList<>(List.of(time.toString(), "-f", "%e %M", "-o", rusage.toString(), "java"));
        for (String o : System.getProperty("bench.javaOpts", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC").split("\\s+")) {
            if (!o.isBlank()) cmd.add(o);
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(args);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(stepTimeout().toMinutes(), TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("migrate " + args.get(0) + " did not finish within " + stepTimeout());
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("migrate " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + tail(out));
        }
        String[] f = Files.readString(rusage).trim().split("\\s+");
        return new Timed(wall, Long.parseLong(f[f.length - 1]), output);
    }

    /**
     * {@code dig -f}: one process transferring every zone in turn (timed), then every zone's two rewritten
     * RRsets checked against the state the step should have left.
     */
    static double transferAndCheck(BindServer bind, List<String> zones, Path keyFile, Path work, State expect, String step)
            throws Exception {
        Path batch = work.resolve("axfr.batch");
        StringBuilder sb = new StringBuilder();
        for (String z : zones) sb.append("@127.0.0.1 -p ").append(bind.port()).append(' ').append(z).append(" AXFR\n");
        Files.writeString(batch, sb.toString());
        Path out = work.resolve("axfr.out");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(LabBinaries.require("dig").toString(), "-k", keyFile.toString(), "+noall", "+answer",
                "-f", batch.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(stepTimeout().toMinutes(), TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("dig did not finish within " + stepTimeout());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        Map<String, String> seen = new HashMap<>();
        for (String line : Files.readAllLines(out)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && f[3].equals("A") && !f[0].startsWith("ns1.") && !f[0].startsWith("mail.")) {
                seen.merge(f[0].toLowerCase(Locale.ROOT), f[1] + " " + f[4], (a, c) -> a + ", " + c);
            }
        }
        List<String> wrong = new ArrayList<>();
        String want = expect.ttl() + " " + expect.address();
        for (String z : zones) {
            for (String name : List.of(z, "www." + z)) {
                String got = seen.get(name);
                if (!want.equals(got)) wrong.add(name + " A is " + got);
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("after " + step + ": " + wrong.size() + " RRsets are not " + want + ", e.g. "
                    + wrong.subList(0, Math.min(5, wrong.size())));
        }
        return s;
    }

    static String machine() {
        return String.format(Locale.ROOT, "%d cores, load average %.2f, java %s, %s",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version"),
                Instant.now());
    }

    static String tail(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
