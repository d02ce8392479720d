package dev.migrate.provider.rfc2136;

import dev.migrate.dns.RRset;
import dev.migrate.lab.TsigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;

/**
 * What the rfc2136 tests do to and with a lab server besides the adapter: a zone to start from, a
 * provider configured as an operator would, direct RD=0 queries to see what the server really serves,
 * and {@code nsupdate} as "someone else" changing records.
 */
final class LabDns {
    static final String ZONE = "example.test.";
    static final String ZONE_TEXT = """
            $TTL 3600
            @      IN SOA ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 300
            @      IN NS  ns1.example.test.
            ns1    IN A   127.0.0.1
            @      IN A   203.0.113.10
            www    IN A   203.0.113.10
            www    IN AAAA 2001:db8:10::10
            mail   7200 IN A 203.0.113.25
            @      IN MX  10 mail.example.test.
            alias  IN CNAME www.example.test.
            multi  IN A   192.0.2.1
            multi  IN A   192.0.2.2
            """;

    private LabDns() {}

    /** Provider settings as a plan's provider block would hold them (secret in a file under {@code dir}). */
    static Map<String, Object> settings(int port, TsigKey key, Path dir, String read) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("server", "127.0.0.1:" + port);
        if (key != null) {
            Path secret = Files.createTempFile(dir, "tsig", ".secret");
            Files.writeString(secret, key.secret() + "\n");
            Map<String, Object> tsig = new LinkedHashMap<>();
            tsig.put("name", key.name());
            tsig.put("algorithm", key.algorithm());
            tsig.put("secretFile", secret.getFileName().toString());
            s.put("tsig", tsig);
        }
        s.put("read", read);
        s.put("timeout", "2s");
        return s;
    }

    /** A provider made the way the CLI makes one, with a sleeper that records instead of waiting. */
    static Rfc2136Provider provider(Map<String, Object> settings, Path dir, List<java.time.Duration> pauses)
            throws ProviderException {
        ProviderConfig config = new ProviderConfig("rfc2136", settings, dir, System::getenv, Clock.systemUTC());
        return new Rfc2136Provider(Rfc2136Settings.from(config), pauses::add);
    }

    static Rfc2136Provider provider(int port, TsigKey key, Path dir) throws Exception {
        return provider(settings(port, key, dir, "axfr"), dir, new ArrayList<>());
    }

    /** What the server serves for name/type, asked directly with RD=0; null when it has no such RRset. */
    static RRset served(int port, String name, String type) throws IOException {
        return dev.migrate.provider.ProviderContract.askServer(port, name, type);
    }

    /** An RRset with its data normalised as the program normalises plan data. */
    static RRset rrset(String name, String type, long ttl, String... data) {
        return RRset.of(name, type, ttl, dev.migrate.dns.Rdata.normaliseAll(type, List.of(data), ZONE));
    }

    static long serial(int port) throws IOException {
        return serial(port, ZONE);
    }

    static long serial(int port, String zone) throws IOException {
        return Long.parseLong(served(port, zone, "SOA").rdata().get(0).split("\\s+")[2]);
    }

    /**
     * Small zones named {@code <prefix><i>.test.} on one builder, each with {@code www} and the apex on
     * 203.0.113.10 (what a plan's rewrite of that address moves); returns their names.
     */
    static List<String> smallZones(dev.migrate.lab.BindServer.Builder b, String prefix, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String z = String.format("%s%03d.test.", prefix, i);
            names.add(z);
            b.addPrimaryZone(z, """
                    $TTL 3600
                    @    IN SOA ns1.%1$s hostmaster.%1$s 1 3600 600 86400 300
                    @    IN NS  ns1.%1$s
                    ns1  IN A   127.0.0.1
                    @    IN A   203.0.113.10
                    www  IN A   203.0.113.10
                    """.formatted(z));
        }
        return names;
    }

    /**
     * An rfc2136 plan on the standard timeline (T = 2030-01-10T12:00:00Z) for a lab server, confirmed on
     * that server, with its secret in {@code key.secret} beside it and {@code rewrites} as "from to" pairs.
     */
    static Path rfc2136Plan(Path dir, String name, int port, TsigKey key, String timeout, List<String> zones,
            List<String> rewrites) throws IOException {
        Files.writeString(dir.resolve("key.secret"), key.secret() + "\n");
        StringBuilder text = new StringBuilder("""
                name: %s
                cutover: 2030-01-10T12:00:00Z
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  timeout: %s
                nameservers: ["127.0.0.1:%d"]
                ttl: { lowered: 300, restore: original }
                rewrite:
                """.formatted(name, port, key.name(), key.algorithm(), timeout, port));
        for (String r : rewrites) {
            String[] f = r.split(" ");
            text.append("  - { from: ").append(f[0]).append(", to: ").append(f[1]).append(" }\n");
        }
        text.append("zones:\n");
        for (String z : zones) text.append("  - ").append(z).append('\n');
        Path p = dir.resolve(name + ".yaml");
        Files.writeString(p, text.toString());
        return p;
    }

    /** Runs nsupdate with the given commands (server and key lines are added); fails on a non-zero exit. */
    static void nsupdate(int port, TsigKey key, String... commands) {
        dev.migrate.lab.Nsupdate.run(port, key, ZONE, commands);
    }
}
