package dev.migrate.bench;

import dev.migrate.cli.Main;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabBinaries;
import dev.migrate.lab.TsigKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * Benchmark, not a test: the swap of 5,000 RRsets in one plan against BIND, run through the CLI
 * ({@code migrate apply} at T, in-process), beside the same change (same prerequisites) applied by
 * {@code nsupdate} from one generated script. Each side gets its own fresh BIND with the same zone (for
 * migrate at its original TTL, lowered untimed; for nsupdate already at the lowered TTL). Prints wall time and UPDATE messages for both; the target for
 * migrate is under 10 s. See bench/README.md for the command.
 *
 * <p>UPDATE messages are counted on the server side: BIND moves the SOA serial by exactly one per
 * UPDATE it applies, so the serial's step is the number of messages that landed.
 */
public final class Rfc2136SwapBench {
    static final String ZONE = "bench.test.";
    static final String OLD = "203.0.113.10";
    static final String NEW = "198.51.100.20";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path work = Files.createTempDirectory("migrate-bench-rfc2136");
        Result migrate;
        Result nsupdate;
        // migrate's zone starts at the original TTL and goes through lower-ttl (untimed): a zone already at
        // the lowered TTL with no lowering in the journal is refused (the original TTL would be unknown).
        try {
            try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, zone(n, 3600)).start()) {
                migrate = viaMigrate(bind, work, n);
            }
            try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, zone(n, 300)).start()) {
                nsupdate = viaNsupdate(bind, work, n);
            }
        } finally {
            try (java.util.stream.Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        System.out.printf("swap of %d RRsets against BIND (127.0.0.1), prerequisites = before-images in both%n", n);
        System.out.printf("  %-34s %8.2f s  %4d UPDATE messages  %s%n", "migrate apply (swap phase, CLI)",
                migrate.seconds, migrate.messages, migrate.check);
        System.out.printf("  %-34s %8.2f s  %4d UPDATE messages  %s%n", "nsupdate (one generated script)",
                nsupdate.seconds, nsupdate.messages, nsupdate.check);
        System.out.printf("  target for migrate: < 10 s -> %s%n", migrate.seconds < 10 ? "met" : "NOT met");
    }

    /** The zone: {@code n} A records on the old address at {@code ttl}. */
    static String zone(int n, long ttl) {
        StringBuilder zone = new StringBuilder("""
                $TTL 3600
                @   IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300
                @   IN NS  ns1.bench.test.
                ns1 IN A   127.0.0.1
                """);
        for (int i = 0; i < n; i++) zone.append(String.format("h%05d %d IN A %s%n", i, ttl, OLD));
        return zone.toString();
    }

    record Result(double seconds, long messages, String check) {}

    static Result viaMigrate(BindServer bind, Path work, int n) throws Exception {
        Path dir = Files.createDirectories(work.resolve("migrate"));
        Files.writeString(dir.resolve("key.secret"), bind.key().secret() + "\n");
        // One rewrite rule moves every A record on the old address: 5,000 RRsets in one plan.
        Path plan = dir.resolve("bench.yaml");
        Files.writeString(plan, """
                name: bench-rfc2136
                cutover: 2030-01-10T12:00:00Z
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  timeout: 5s
                zones: [bench.test]
                nameservers: ["127.0.0.1:%d"]
                ttl: { lowered: 300, restore: original }
                rewrite:
                  - { from: %s, to: %s }
                """.formatted(bind.port(), bind.key().name(), bind.key().algorithm(), bind.port(), OLD, NEW));
        // lower-ttl (confirmed on the server the plan names: the zone's NS glue says port 53) and verify, untimed.
        run("apply", plan.toString(), "--now", "2030-01-07T12:00:00Z");
        run("apply", plan.toString(), "--now", "2030-01-09T12:00:00Z");
        long serial = serial(bind.port());
        long t0 = System.nanoTime();
        run("apply", plan.toString(), "--now", "2030-01-10T12:00:00Z");
        double s = (System.nanoTime() - t0) / 1e9;
        return new Result(s, serial(bind.port()) - serial, verify(bind.port(), bind.key(), n));
    }

    static Result viaNsupdate(BindServer bind, Path work, int n) throws Exception {
        Path dir = Files.createDirectories(work.resolve("nsupdate"));
        TsigKey key = bind.key();
        Path keyFile = dir.resolve("key.conf");
        Files.writeString(keyFile, "key \"" + key.name() + "\" { algorithm " + key.algorithm() + "; secret \""
                + key.secret() + "\"; };\n");
        // The same compare-and-set as migrate: prerequisite = the old record, then delete + add.
        // nsupdate sends one message per 'send'; a message is limited to 64 KiB, so 500 RRsets each.
        int perSend = 500;
        StringBuilder script = new StringBuilder("server 127.0.0.1 " + bind.port() + "\nzone " + ZONE + "\n");
        int sends = 0;
        for (int i = 0; i < n; i++) {
            String h = String.format("h%05d.%s", i, ZONE);
            script.append("prereq yxrrset ").append(h).append(" A ").append(OLD).append('\n');
            script.append("update delete ").append(h).append(" A\n");
            script.append("update add ").append(h).append(" 300 A ").append(NEW).append('\n');
            if ((i + 1) % perSend == 0 || i == n - 1) {
                script.append("send\n");
                sends++;
            }
        }
        Path in = dir.resolve("swap.nsupdate");
        Files.writeString(in, script.toString());
        long serial = serial(bind.port());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(LabBinaries.require("nsupdate").toString(), "-t", "10", "-k",
                keyFile.toString(), in.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("nsupdate did not finish in 120 s");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IllegalStateException("nsupdate exited " + p.exitValue() + ": " + Files.readString(dir.resolve("out.txt")));
        }
        long messages = serial(bind.port()) - serial;
        if (messages != sends) throw new IllegalStateException("script had " + sends + " sends, serial moved " + messages);
        return new Result(s, messages, verify(bind.port(), key, n));
    }

    static void run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        if (code != 0) throw new IllegalStateException("migrate " + String.join(" ", args) + " exited " + code + "\n" + out + err);
    }

    static long serial(int port) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(5));
        var q = org.xbill.DNS.Message.newQuery(Record.newRecord(Name.fromString(ZONE), Type.SOA, DClass.IN));
        for (Record rec : r.send(q).getSection(org.xbill.DNS.Section.ANSWER)) {
            if (rec instanceof SOARecord soa) return soa.getSerial();
        }
        throw new IOException("no SOA");
    }

    /** Transfers the zone and checks every host moved: the figures count only if the change is whole. */
    static String verify(int port, TsigKey key, int n) throws Exception {
        ZoneTransferIn x = ZoneTransferIn.newAXFR(Name.fromString(ZONE), new InetSocketAddress("127.0.0.1", port), key.toTsig());
        x.setTimeout(Duration.ofSeconds(30));
        x.run();
        List<Record> records = x.getAXFR();
        long moved = records.stream().filter(r -> r.getType() == Type.A && r.rdataToString().equals(NEW) && r.getTTL() == 300).count();
        long old = records.stream().filter(r -> r.getType() == Type.A && r.rdataToString().equals(OLD)).count();
        if (moved != n || old != 0) throw new IllegalStateException("after the swap: " + moved + " moved, " + old + " still old");
        return "(verified: all " + n + " moved)";
    }
}
