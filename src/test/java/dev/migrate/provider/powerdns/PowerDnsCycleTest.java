package dev.migrate.provider.powerdns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.cli.Main;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.DefaultProbes;
import dev.migrate.engine.Engine;
import dev.migrate.engine.EngineListener;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.state.FileStateStore;
import dev.migrate.engine.RunReport;
import dev.migrate.engine.Verdict;
import dev.migrate.engine.Workspace;
import dev.migrate.lab.PowerDnsServer;
import dev.migrate.plan.Plan;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.Providers;
import dev.migrate.support.Sleeper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The whole cycle against a real pdns_server: {@code migrate plan}, {@code apply} phase by phase, a foreign
 * change caught before the swap, and {@code rollback} back to the exact original records, checked through
 * the API and over DNS.
 */
class PowerDnsCycleTest {
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");
    static final String ZONE_TEXT = """
            $TTL 3600
            @    IN SOA ns1 hostmaster 1 3600 600 86400 60
            @    IN NS  ns1
            ns1  IN A   127.0.0.1
            @    IN A   203.0.113.10
            www  IN A   203.0.113.10
            mail IN A   203.0.113.25
            smtp IN A   203.0.113.25
            @    IN MX  10 mail
            """;
    static PowerDnsServer pdns;
    static int zones;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pdns = PowerDnsServer.builder().start();
    }

    @AfterAll
    static void stop() {
        if (pdns != null) pdns.close();
    }

    String newZone() {
        String zone = "cycle" + (++zones) + ".example.test.";
        pdns.createZone(zone, ZONE_TEXT);
        return zone;
    }

    Path writePlan(String zone) throws Exception {
        Files.writeString(dir.resolve("pdns.key"), pdns.apiKey() + "\n");
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: pdns-cycle
                cutover: %s
                provider:
                  type: powerdns
                  url: %s
                  apiKeyFile: pdns.key
                  timeout: 5s
                zones: [%s]
                ttl: { lowered: 300, restore: original }
                # nothing but this pdns serves the zone here, so confirm by reading the provider back
                propagation: { via: provider, interval: 1s }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                  - { name: "@", type: TXT, to: ['"v=spf1 ip4:198.51.100.25 -all"'] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                phases:
                  - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                  - { id: swap,        at: T,     action: swap }
                  - { id: confirm,     at: T+5m,  action: confirm, timeout: 1m }
                  - { id: restore-ttl, at: T+24h, action: restore-ttl }
                """.formatted(T, pdns.apiUrl(), zone));
        return plan;
    }

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    Run migrate(String command, Path plan, Instant now) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of(command, plan.toString(), "--now", now.toString()));
        if (!command.equals("plan")) args.addAll(List.of("--state-dir", dir.resolve("state").toString()));
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static ZoneSnapshot read(String zone) throws ProviderException {
        try (DnsProvider p = new PowerDnsProviderFactory().create(new ProviderConfig("powerdns",
                Map.of("url", pdns.apiUrl(), "apiKeyEnv", "K"), Path.of("."), Map.of("K", pdns.apiKey())::get,
                Clock.systemUTC()))) {
            return p.read(zone);
        }
    }

    static void foreignWrite(String zone, String name, String address, long ttl) {
        var r = pdns.api("PATCH", "/api/v1/servers/localhost/zones/" + zone, """
                {"rrsets":[{"name":"%s%s","type":"A","ttl":%d,"changetype":"REPLACE",
                  "records":[{"content":"%s","disabled":false}]}]}""".formatted(name, zone, ttl, address));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    /** What pdns answers over DNS (its caches are off in the lab): TTL and address of the first A. */
    static String dnsA(String name) throws Exception {
        SimpleResolver res = new SimpleResolver(new InetSocketAddress("127.0.0.1", pdns.dnsPort()));
        res.setTimeout(Duration.ofSeconds(2));
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        Message a = res.send(q);
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        List<Record> answers = a.getSection(Section.ANSWER);
        assertThat(answers).hasSize(1);
        return answers.get(0).getTTL() + " " + answers.get(0).rdataToString();
    }

    @Test
    void planApplyForeignChangeSwapConfirmRollback() throws Exception {
        String zone = newZone();
        Path plan = writePlan(zone);
        ZoneSnapshot original = read(zone);

        Run preview = migrate("plan", plan, T.minus(Duration.ofHours(80)));
        assertThat(preview.code()).as(preview.all()).isZero();
        assertThat(preview.out()).contains("www A (" + zone + ")  TTL 3600 -> 300", "smtp A (" + zone + ")");

        Run lower = migrate("apply", plan, T.minus(Duration.ofHours(72)));
        assertThat(lower.code()).as(lower.all()).isZero();
        assertThat(dnsA("www." + zone)).isEqualTo("300 203.0.113.10");
        assertThat(read(zone).get("mail." + zone, "A").ttl()).isEqualTo(300);

        // Someone else points www elsewhere before the swap: the swap refuses and overwrites nothing.
        foreignWrite(zone, "www.", "192.0.2.99", 300);
        Run blocked = migrate("apply", plan, T);
        assertThat(blocked.code()).as(blocked.all()).isEqualTo(4);
        assertThat(blocked.all()).contains("drift", "www." + zone, "192.0.2.99");
        assertThat(dnsA("www." + zone)).isEqualTo("300 192.0.2.99");
        assertThat(read(zone).get("mail." + zone, "A").rdata()).containsExactly("203.0.113.25");

        // Once it is put back, the swap runs: one PATCH for every RRset.
        foreignWrite(zone, "www.", "203.0.113.10", 300);
        Run swap = migrate("apply", plan, T.plus(Duration.ofMinutes(1)));
        assertThat(swap.code()).as(swap.all()).isZero();
        assertThat(dnsA("www." + zone)).isEqualTo("300 198.51.100.20");
        assertThat(dnsA("smtp." + zone)).isEqualTo("300 198.51.100.25");
        assertThat(read(zone).get(zone, "TXT").rdata()).containsExactly("\"v=spf1 ip4:198.51.100.25 -all\"");

        Run confirm = migrate("apply", plan, T.plus(Duration.ofMinutes(6)));
        assertThat(confirm.code()).as(confirm.all()).isZero();

        Run rollback = migrate("rollback", plan, T.plus(Duration.ofMinutes(10)));
        assertThat(rollback.code()).as(rollback.all()).isZero();
        assertThat(dnsA("www." + zone)).as("the old data at the lowered TTL until the restore").isEqualTo("300 203.0.113.10");
        Run restoreAfter = migrate("apply", plan, T.plus(Duration.ofMinutes(10)).plus(Duration.ofHours(24)));
        assertThat(restoreAfter.code()).as(restoreAfter.all()).isZero();
        ZoneSnapshot restored = read(zone);
        for (RRset s : original.rrsets()) {
            if (!s.type().equals("SOA")) assertThat(restored.get(s.key())).as(s.key().toString()).isEqualTo(s);
        }
        assertThat(restored.get(zone, "TXT")).isNull();
        assertThat(restored.size()).isEqualTo(original.size());
        assertThat(restored.serial()).isGreaterThan(original.serial());
        assertThat(dnsA("www." + zone)).isEqualTo("3600 203.0.113.10");
    }

    /**
     * A foreign write that lands between the engine's read and its write: the adapter's compare of the
     * before-images catches it, and the engine blocks with nothing overwritten.
     */
    @Test
    void aForeignWriteRacingTheSwapIsAConflictAndNothingIsOverwritten() throws Exception {
        String zone = newZone();
        Path plan = writePlan(zone);
        assertThat(migrate("apply", plan, T.minus(Duration.ofHours(72))).code()).isZero();

        Plan loaded = Workspace.load(plan, Providers.discover());
        DnsProvider real = new PowerDnsProviderFactory().create(new ProviderConfig("powerdns",
                Map.of("url", pdns.apiUrl(), "apiKeyEnv", "K"), Path.of("."), Map.of("K", pdns.apiKey())::get,
                Clock.systemUTC()));
        DnsProvider racing = new DnsProvider() {
            @Override
            public Capabilities capabilities() {
                return real.capabilities();
            }

            @Override
            public ZoneSnapshot read(String z) throws ProviderException {
                return real.read(z);
            }

            @Override
            public void apply(String z, List<RRsetChange> batch) throws ProviderException {
                foreignWrite(zone, "www.", "192.0.2.77", 300);
                real.apply(z, batch);
            }

            @Override
            public String describe() {
                return real.describe();
            }

            @Override
            public void close() {
                real.close();
            }
        };
        Clock at = Clock.fixed(T.plus(Duration.ofMinutes(1)), ZoneOffset.UTC);
        try (Workspace ws = Workspace.of(loaded, racing)) {
            Engine engine = new Engine(ws, new FileStateStore(dir.resolve("state").resolve(loaded.name()), at), at,
                    Sleeper.REAL, new DefaultProbes(racing, at, Sleeper.REAL, ServiceChecks.NONE), EngineListener.SILENT, null);
            RunReport r = engine.apply(new Engine.Options(false, null, false));
            assertThat(r.verdict()).isEqualTo(Verdict.BLOCKED);
            assertThat(r.phases()).hasSize(1);
            assertThat(r.phases().get(0).outcome()).isInstanceOf(PhaseOutcome.Blocked.class);
            assertThat(r.phases().get(0).message()).contains("conflict in " + zone, "www." + zone + " A",
                    "expected TTL 300 [203.0.113.10], live TTL 300 [192.0.2.77]", "Nothing was overwritten");
        }
        ZoneSnapshot now = read(zone);
        assertThat(now.get("www." + zone, "A").rdata()).containsExactly("192.0.2.77");
        // The rest of the batch was not written either: one PATCH is all or nothing, and it was never sent.
        assertThat(now.get("mail." + zone, "A").rdata()).containsExactly("203.0.113.25");
        assertThat(now.get(zone, "TXT")).isNull();
    }
}
