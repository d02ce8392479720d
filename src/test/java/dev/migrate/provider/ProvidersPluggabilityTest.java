package dev.migrate.provider;

import static dev.migrate.testing.Cli.migrate;

import dev.migrate.testing.Cli.Run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party adds a provider as a jar in a providers directory, with no change to the core: the test
 * compiles one, jars it with its ServiceLoader entry, and finds it through discovery, {@code migrate
 * providers} and {@code migrate plan}.
 */
class ProvidersPluggabilityTest {
    static final String SOURCE = """
            package acme;

            import dev.migrate.dns.RRset;
            import dev.migrate.dns.RRsetChange;
            import dev.migrate.dns.ZoneSnapshot;
            import dev.migrate.provider.*;
            import java.util.List;
            import java.util.Set;

            public final class AcmeFactory implements ProviderFactory {
                public String type() { return "acme"; }
                public String description() { return "Acme DNS (a plug-in built by the test)"; }
                public Capabilities capabilities() { return new Capabilities(false, true, 120, 86400, Set.of("A"), false, 1); }
                public Set<String> keys() { return Set.of("region"); }
                public DnsProvider create(ProviderConfig c) throws ProviderException {
                    String region = c.require("region");
                    Capabilities caps = capabilities();
                    return new DnsProvider() {
                        public Capabilities capabilities() { return caps; }
                        public ZoneSnapshot read(String zone) {
                            return new ZoneSnapshot(zone, List.of(
                                RRset.of(zone, "SOA", 3600, List.of("ns1." + zone + " hostmaster." + zone + " 1 3600 600 86400 60")),
                                RRset.of("www." + zone, "A", 3600, List.of("203.0.113.10"))));
                        }
                        public void apply(String zone, List<RRsetChange> batch) throws ProviderException {
                            throw new ProviderException(ProviderException.Kind.REFUSED, "read-only in this test");
                        }
                        public String describe() { return "acme " + region; }
                    };
                }
            }
            """;

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty("migrate.providers.dir");
    }

    /** Compiles the plug-in against the core's classes only and writes providers/acme-dns.jar. */
    Path buildPluginJar() throws Exception {
        Path src = dir.resolve("src/acme/AcmeFactory.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path core = Path.of(ProviderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler").isNotNull();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics,
                "--release", "17", "-classpath", core.toString(), "-d", classes.toString(), src.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        Path providers = Files.createDirectories(dir.resolve("providers"));
        Path jar = providers.resolve("acme-dns.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + ProviderFactory.class.getName()));
            out.write("acme.AcmeFactory\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return providers;
    }

    @Test
    void theBuiltInProvidersAreListedWithTheirCapabilities() throws Exception {
        Run text = migrate("providers");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("zonefile", "rfc2136", "powerdns", "cloudflare")
                .contains("compare-and-set: no (read, compare, write, read back)")
                .contains("TTL 60..86400; types: A AAAA CAA CNAME MX NS SRV TXT")
                .contains("keys: apiKeyEnv, apiKeyFile, notify, server, timeout, url")
                .contains("keys: apiTokenEnv, apiTokenFile, baseUrl, batchSize, timeout");

        Run json = migrate("providers", "--output", "json");
        assertThat(json.code()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        JsonNode pdns = find(root, "powerdns");
        assertThat(pdns.get("atomicBatch").asBoolean()).isTrue();
        assertThat(pdns.get("compareAndSet").asBoolean()).isFalse();
        assertThat(pdns.get("minTtl").asLong()).isZero();
        assertThat(pdns.get("meaningfulSerial").asBoolean()).isTrue();
        assertThat(pdns.get("recordTypes")).isEmpty();
        JsonNode cf = find(root, "cloudflare");
        assertThat(cf.get("atomicBatch").asBoolean()).isTrue();
        assertThat(cf.get("compareAndSet").asBoolean()).isFalse();
        assertThat(cf.get("minTtl").asLong()).isEqualTo(60);
        assertThat(cf.get("maxTtl").asLong()).isEqualTo(86400);
        assertThat(cf.get("maxBatch").asInt()).isEqualTo(200);
        assertThat(cf.get("meaningfulSerial").asBoolean()).isFalse();
        assertThat(find(root, "zonefile")).isNotNull();
        JsonNode rfc = find(root, "rfc2136");
        assertThat(rfc.get("atomicBatch").asBoolean()).isTrue();
        assertThat(rfc.get("compareAndSet").asBoolean()).isTrue();
        assertThat(rfc.get("keys").toString()).contains("server", "tsig", "read", "timeout");
    }

    @Test
    void aProviderJarInTheProvidersDirectoryIsFoundWithoutChangingTheCore() throws Exception {
        Path providers = buildPluginJar();

        Providers found = Providers.discover(providers);
        assertThat(found.types()).contains("acme", "zonefile", "rfc2136", "powerdns", "cloudflare");
        assertThat(found.find("acme").orElseThrow().capabilities().minTtl()).isEqualTo(120);
        assertThat(Providers.discover(dir.resolve("empty")).types()).doesNotContain("acme");

        // The launcher passes ./providers as MIGRATE_PROVIDERS_DIR; the system property is the same door.
        System.setProperty("migrate.providers.dir", providers.toString());
        Run list = migrate("providers", "--output", "json");
        assertThat(list.code()).isZero();
        JsonNode acme = find(new ObjectMapper().readTree(list.out()), "acme");
        assertThat(acme.get("description").asText()).isEqualTo("Acme DNS (a plug-in built by the test)");
        assertThat(acme.get("atomicBatch").asBoolean()).isFalse();
        assertThat(acme.get("keys").toString()).isEqualTo("[\"region\"]");

        // A plan can use it: its keys are accepted, and the planner reads its capabilities.
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: acme-cutover
                cutover: 2026-12-01T02:00:00Z
                provider: { type: acme, region: eu-1 }
                zones: [example.com]
                ttl: { lowered: 300, restore: original }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                phases:
                  - { id: lower-ttl, at: T-72h, action: lower-ttl }
                  - { id: swap,      at: T,     action: swap }
                """);
        Run preview = migrate("plan", plan.toString(), "--now", "2026-11-20T00:00:00Z");
        assertThat(preview.code()).as(preview.out() + preview.err()).isZero();
        assertThat(preview.out()).contains("provider acme", "www A (example.com.)  TTL 3600 -> 300",
                "this provider has no atomic batches");
    }

    private static JsonNode find(JsonNode root, String type) {
        for (JsonNode p : root.get("providers")) {
            if (p.get("type").asText().equals(type)) return p;
        }
        throw new AssertionError("no provider " + type + " in " + root);
    }
}
