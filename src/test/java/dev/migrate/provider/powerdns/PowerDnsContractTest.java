package dev.migrate.provider.powerdns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.lab.PowerDnsServer;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The adapter contract against a real pdns_server: its API to write, its DNS port to look from outside. */
class PowerDnsContractTest extends ProviderContract {
    @Override
    protected World start(Path dir) throws Exception {
        PowerDnsServer pdns = PowerDnsServer.builder().start();
        try {
            pdns.createZone(ZONE, ZONE_TEXT);
            Files.writeString(dir.resolve("pdns.key"), pdns.apiKey() + "\n");
        } catch (RuntimeException e) {
            pdns.close();
            throw e;
        }
        return new World() {
            @Override
            public String providerBlock() {
                return "type: powerdns\nurl: " + pdns.apiUrl() + "\napiKeyFile: pdns.key\ntimeout: 5s";
            }

            @Override
            public String confirmation() {
                return "nameservers: [\"127.0.0.1:" + pdns.dnsPort() + "\"]";
            }

            @Override
            public DnsProvider provider() throws Exception {
                return new PowerDnsProviderFactory().create(new ProviderConfig("powerdns",
                        Map.of("url", pdns.apiUrl(), "apiKeyFile", "pdns.key"), dir, System::getenv, Clock.systemUTC()));
            }

            @Override
            public RRset served(String name, String type) throws Exception {
                return askServer(pdns.dnsPort(), name, type);
            }

            @Override
            public void foreignChange(String name, String type, long ttl, String... data) {
                String records = Stream.of(data).map(d -> "{\"content\":\"" + d + "\",\"disabled\":false}")
                        .collect(Collectors.joining(","));
                var r = pdns.api("PATCH", "/api/v1/servers/localhost/zones/" + ZONE, """
                        {"rrsets":[{"name":"%s","type":"%s","ttl":%d,"changetype":"REPLACE","records":[%s]}]}"""
                        .formatted(name, type, ttl, records));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
            }

            @Override
            public void close() {
                pdns.close();
            }
        };
    }
}
