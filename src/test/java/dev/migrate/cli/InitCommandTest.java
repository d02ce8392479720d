package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.TsigKey;
import dev.migrate.testing.Cli;
import dev.migrate.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code migrate init} writes a plan that {@code migrate plan} accepts at once, from zone files or a real BIND. */
class InitCommandTest {
    static final String NOW = "2027-04-20T00:00:00Z";

    static String zone(String z) {
        return """
                $ORIGIN %s.
                $TTL 3600
                @      IN SOA ns1.shop.test. hostmaster.%s. 2027010101 7200 900 1209600 300
                @      IN NS  ns1.shop.test.
                @      IN NS  ns.elsewhere.example.
                @      IN A   203.0.113.10
                www    IN A   203.0.113.10
                www    IN AAAA 2001:db8:10::10
                mail   IN A   203.0.113.25
                """.formatted(z, z) + (z.equals("shop.test") ? "ns1 86400 IN A 192.0.2.53\nns1 IN AAAA 2001:db8::53\n" : "");
    }

    static Path zones(Path dir, String pattern, String... names) throws Exception {
        Path zd = dir.resolve("zones");
        Files.createDirectories(zd);
        for (String z : names) Files.writeString(zd.resolve(pattern.replace("{zone}", z)), zone(z));
        return zd;
    }

    @Test
    void aPlanFromZoneFilesIsAcceptedByPlanAtOnce(@TempDir Path dir) throws Exception {
        Path zd = zones(dir, "{zone}.db", "shop.test", "blog.test");
        Path out = dir.resolve("move.yaml");

        Run init = Cli.migrate("init", "--zones", "shop.test,blog.test", "--zone-dir", zd.toString(),
                "--from", "203.0.113.10", "--to", "198.51.100.10", "--cutover", "2027-05-01T02:00:00Z", "--out", out.toString());

        assertThat(init.code()).as(init.all()).isZero();
        assertThat(init.out()).contains("plan shop-test-and-1-more, 2 zones, provider zonefile, cutover 2027-05-01T02:00:00Z",
                "rewrite 203.0.113.10 -> 198.51.100.10: 4 record(s)",
                "nameservers: 192.0.2.53, 2001:db8::53; no address in these zones for ns.elsewhere.example.");
        String yaml = Files.readString(out);
        assertThat(yaml).contains("name: shop-test-and-1-more", "cutover: 2027-05-01T02:00:00Z", "type: zonefile",
                "directory: zones", "file: \"{zone}.db\"", "- shop.test", "- blog.test", "from: 203.0.113.10",
                "to: 198.51.100.10", "- 192.0.2.53", "- 2001:db8::53", "id: lower-ttl", "at: T-72h", "timeout: 30m",
                "# Nameservers these zones give no address for (add theirs under nameservers:): ns.elsewhere.example.");

        Run plan = Cli.migrate("plan", out.toString(), "--now", NOW);
        assertThat(plan.code()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("Plan shop-test-and-1-more: zones shop.test. blog.test., provider zonefile",
                "swap (swap, 2027-05-01T02:00:00Z): 4 RRsets", "after   TTL 300  198.51.100.10",
                "swap                  2027-05-01T02:00:00Z (safe");
    }

    @Test
    void withoutOutItWritesNameDotYamlInTheCurrentDirectory(@TempDir Path dir) throws Exception {
        zones(dir, "{zone}.zone", "shop.test");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.migrate.cli.Main",
                "init", "--zones", "shop.test", "--zone-dir", "zones", "--cutover", "2027-05-01T02:00:00Z", "--name", "shop"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("wrote shop.yaml", "next: migrate plan shop.yaml");
        assertThat(Files.readString(dir.resolve("shop.yaml"))).contains("name: shop", "directory: zones")
                .doesNotContain("file:"); // the default pattern needs no line
    }

    @Test
    void anExistingFileIsReplacedOnlyWithForce(@TempDir Path dir) throws Exception {
        Path zd = zones(dir, "{zone}.zone", "shop.test");
        Path out = dir.resolve("plan.yaml");
        Files.writeString(out, "mine\n");
        String[] args = {"init", "--zones", "shop.test", "--zone-dir", zd.toString(), "--cutover", "2027-05-01T02:00:00Z",
                "--out", out.toString()};

        Run refused = Cli.migrate(args);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("plan.yaml exists; choose another --out, or --force to replace it");
        assertThat(Files.readString(out)).isEqualTo("mine\n");

        List<String> forced = new ArrayList<>(List.of(args));
        forced.add("--force");
        Run r = Cli.migrate(forced.toArray(String[]::new));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(Files.readString(out)).contains("name: shop-test");
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("plan.yaml", "zones"); // no temporary file left
    }

    @Test
    void hostileZoneNamesAreRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path zd = zones(dir, "{zone}.zone", "shop.test");
        for (String hostile : List.of("shop.test\nname: evil", "sh\"op.test", "shop test", "shop.test: {x: 1}", "-.test", "")) {
            Path out = dir.resolve("plan.yaml");
            Run r = Cli.migrate("init", "--zones", hostile, "--zone-dir", zd.toString(), "--cutover", "2027-05-01T02:00:00Z",
                    "--out", out.toString());
            assertThat(r.code()).as(hostile).isEqualTo(2);
            assertThat(r.err()).as(hostile).contains("is not a zone name").doesNotContain("\nname: evil");
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void oddPathsAreQuotedByTheYamlWriterAndReadBackTheSame(@TempDir Path dir) throws Exception {
        Path odd = dir.resolve("zones: #1 \"quoted\" 'and'\nnext line");
        Files.createDirectories(odd);
        Files.writeString(odd.resolve("shop.test.zone"), zone("shop.test"));
        Path out = dir.resolve("plan.yaml");

        Run init = Cli.migrate("init", "--zones", "shop.test", "--zone-dir", odd.toString(), "--cutover",
                "2027-05-01T02:00:00Z", "--out", out.toString());
        assertThat(init.code()).as(init.all()).isZero();
        Run plan = Cli.migrate("plan", out.toString(), "--now", NOW);
        assertThat(plan.code()).as(plan.all() + Files.readString(out)).isZero();
        assertThat(plan.out()).contains("Plan shop-test: zones shop.test.");
    }

    @Test
    void zonesComeFromNamedConfPrimariesWithIncludesAndComments(@TempDir Path dir) throws Exception {
        Path zd = zones(dir, "db.{zone}", "shop.test", "blog.test");
        Files.writeString(dir.resolve("named.conf"), """
                // the server's configuration
                options { directory "/var/cache/bind"; };
                zone "." { type hint; file "/usr/share/dns/root.hints"; };
                # a comment in shell style
                /* zone "old.test" { type master; file "db.old.test"; }; */
                zone "shop.test" IN { type master; file "/etc/bind/zones/db.shop.test"; allow-update { key "k"; }; };
                include "named.conf.local";
                zone "mirror.test" { type slave; primaries { 192.0.2.1; }; };
                """);
        Files.writeString(dir.resolve("named.conf.local"), """
                view "outside" {
                    zone "blog.test" { type primary; file "db.blog.test"; };
                };
                include "named.conf";   // a loop: read once
                """);
        Path out = dir.resolve("plan.yaml");
        Run r = Cli.migrate("init", "--named-conf", dir.resolve("named.conf").toString(), "--zone-dir", zd.toString(),
                "--cutover", "2027-05-01T02:00:00Z", "--out", out.toString());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(Files.readString(out)).contains("- shop.test\n  - blog.test\n", "file: \"db.{zone}\"")
                .doesNotContain("old.test").doesNotContain("mirror.test");
        assertThat(Cli.migrate("plan", out.toString(), "--now", NOW).code()).isZero();
    }

    @Test
    void usageMistakesExit2(@TempDir Path dir) throws Exception {
        Path zd = zones(dir, "{zone}.zone", "shop.test");
        String z = zd.toString();
        assertThat(Cli.migrate("init", "--zones", "shop.test", "--zone-dir", z, "--cutover", "2027-05-01T02:00:00Z",
                "--from", "203.0.113.10", "--out", dir.resolve("a.yaml").toString()).err())
                .contains("give --from and --to in pairs: 1 --from and 0 --to");
        assertThat(Cli.migrate("init", "--zones", "shop.test", "--zone-dir", z, "--cutover", "2027-05-01T02:00:00Z",
                "--from", "203.0.113.10", "--to", "2001:db8::1", "--out", dir.resolve("a.yaml").toString()).err())
                .contains("are of different families");
        assertThat(Cli.migrate("init", "--zones", "shop.test", "--zone-dir", z, "--cutover", "May 1st",
                "--out", dir.resolve("a.yaml").toString()).err()).contains("--cutover 'May 1st' is not an ISO-8601 instant");
        Run missing = Cli.migrate("init", "--zones", "shop.test,nothere.test", "--zone-dir", z, "--cutover",
                "2027-05-01T02:00:00Z", "--out", dir.resolve("a.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no zone file in", "for nothere.test");
        assertThat(Cli.migrate("init", "--zones", "shop.test", "--cutover", "2027-05-01T02:00:00Z").err())
                .contains("say where the records are: --zone-dir DIR (zone files) or --axfr SERVER");
        assertThat(dir.resolve("a.yaml")).doesNotExist();
    }

    @Test
    void aPlanFromAnAxfrOfARealBindIsAcceptedByPlanAtOnce(@TempDir Path dir) throws Exception {
        TsigKey key = TsigKey.random("init-key");
        try (BindServer bind = BindServer.builder().key(key).addPrimaryZone("shop.test.", zone("shop.test"))
                .addPrimaryZone("blog.test.", zone("blog.test")).start()) {
            Path keyFile = dir.resolve("init-key.key");
            // what tsig-keygen writes
            Files.writeString(keyFile, "key \"init-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + key.secret() + "\";\n};\n");
            Path out = dir.resolve("plan.yaml");

            Run init = Cli.migrate("init", "--zones", "shop.test,blog.test", "--axfr", "127.0.0.1:" + bind.port(),
                    "--tsig", keyFile.toString(), "--from", "203.0.113.25", "--to", "198.51.100.25",
                    "--cutover", "2027-05-01T02:00:00Z", "--out", out.toString());

            assertThat(init.code()).as(init.all()).isZero();
            assertThat(init.out()).contains("provider rfc2136", "rewrite 203.0.113.25 -> 198.51.100.25: 2 record(s)");
            String yaml = Files.readString(out);
            assertThat(yaml).contains("type: rfc2136", "server: 127.0.0.1:" + bind.port(), "name: init-key",
                    "algorithm: hmac-sha256", "secretFile: init-key.key", "read: axfr")
                    .doesNotContain(key.secret());

            Run plan = Cli.migrate("plan", out.toString(), "--now", NOW);
            assertThat(plan.code()).as(plan.all()).isZero();
            assertThat(plan.out()).contains("provider rfc2136", "mail A (blog.test.)", "after   TTL 300  198.51.100.25");
        }
    }
}
