package dev.migrate.provider.rfc2136;

import static dev.migrate.provider.rfc2136.LabDns.ZONE;

import dev.migrate.dns.RRset;
import dev.migrate.lab.TsigKey;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The adapter contract ({@link ProviderContract}) against a real server taking RFC 2136 updates: the
 * whole cutover through the CLI, with the server asked directly (RD=0) after each step, and the adapter's
 * own promises. "Someone else" is {@code nsupdate}.
 */
abstract class Rfc2136CycleContract extends ProviderContract {
    record Server(int port, TsigKey key, AutoCloseable stop) {}

    abstract Server start(String zone, String zoneText);

    @Override
    protected World start(Path dir) throws Exception {
        Server server = start(ZONE, ZONE_TEXT);
        Files.writeString(dir.resolve("key.secret"), server.key().secret() + "\n");
        return new World() {
            @Override
            public String providerBlock() {
                return Rfc2136CycleContract.providerBlock(server.port(), server.key(), server.key().name());
            }

            @Override
            public String confirmation() {
                return "nameservers: [\"127.0.0.1:" + server.port() + "\"]";
            }

            @Override
            public DnsProvider provider() throws Exception {
                return LabDns.provider(server.port(), server.key(), dir);
            }

            @Override
            public RRset served(String name, String type) throws Exception {
                return LabDns.served(server.port(), name, type);
            }

            @Override
            public void foreignChange(String name, String type, long ttl, String... data) throws Exception {
                List<String> commands = new ArrayList<>(List.of("update delete " + name + " " + type));
                for (String d : data) commands.add("update add " + name + " " + ttl + " " + type + " " + d);
                LabDns.nsupdate(server.port(), server.key(), commands.toArray(String[]::new));
            }

            @Override
            public void close() throws Exception {
                server.stop().close();
            }
        };
    }

    static String providerBlock(int port, TsigKey key, String keyName) {
        return """
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  read: axfr
                  timeout: 2s""".formatted(port, keyName, key.algorithm());
    }

    /** A plan as an operator writes it: the secret in a file of its own beside the plan. */
    static Path writePlan(Path dir, int port, TsigKey key, String keyName) throws Exception {
        Files.writeString(dir.resolve("key.secret"), key.secret() + "\n");
        Path p = dir.resolve("cutover.yaml");
        Files.writeString(p, planText("rfc2136-cycle", providerBlock(port, key, keyName),
                "nameservers: [\"127.0.0.1:" + port + "\"]"));
        return p;
    }
}
